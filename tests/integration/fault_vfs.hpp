#pragma once
// "edc-fault": a test SQLite VFS over the default one (unix), for the journal fault tests of
// issue 13 item 5. A journal opened through it (journal::OpenOptions::vfs, app::RunOptions::
// journal_vfs) can be made to
// - fail an xWrite, xSync or xTruncate with a chosen code (SQLITE_IOERR_*, SQLITE_FULL): the Nth
//   after arming, or the first write whose bytes hold every given needle (the operator's name,
//   an event code), so a test hits one write point of the journal; once, or every later call
//   too (a full disk stays full);
// - lose power: in power-loss mode writes and truncations are kept in memory, per file, until
//   an xSync of that file; cut_power() discards everything not synced and fails every later
//   operation (the machine is off). The files then hold what a disk that honours fsync keeps
//   when the power goes at that instant; the test reopens them through the default VFS.
//
// One instance per process (SQLite's VFS list is global); reset() between tests. Every file
// operation takes the instance's mutex: slow, simple, enough for a journal under test.
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace edc::testing {

enum class VfsOp { write, sync, truncate };

struct VfsFault {
    VfsOp op = VfsOp::write;
    int rc = SQLITE_IOERR_WRITE;
    int skip = 0;                      // let this many matching calls pass first (the Nth: skip = N - 1)
    std::vector<std::string> needles;  // write: all of them in the buffer; sync/truncate: the next call
                                       // after such a write
    bool sticky = false;               // once fired, every later call of `op` fails too
};

class FaultVfs {
public:
    static constexpr const char* name = "edc-fault";

    // Registers the VFS once (not as the default) and returns it.
    static FaultVfs& install() {
        static FaultVfs* vfs = [] {
            auto* v = new FaultVfs();  // lives as long as SQLite's registration: never freed
            v->real_ = sqlite3_vfs_find(nullptr);
            v->vfs_ = *v->real_;
            v->vfs_.iVersion = std::min(v->real_->iVersion, 2);  // no xSetSystemCall & co.
            v->vfs_.szOsFile = static_cast<int>(sizeof(File));
            v->vfs_.zName = name;
            v->vfs_.pAppData = v;
            v->vfs_.pNext = nullptr;
            v->vfs_.xOpen = &FaultVfs::open;
            v->vfs_.xDelete = &FaultVfs::remove;
            sqlite3_vfs_register(&v->vfs_, 0);
            return v;
        }();
        return *vfs;
    }

    // Clears faults, counters and the power state; power_loss: keep unsynced writes in memory.
    void reset(bool power_loss) {
        const std::lock_guard lock(mutex_);
        faults_.clear();
        pending_.clear();
        power_loss_ = power_loss;
        dead_ = false;
        fired_ = writes_ = syncs_ = 0;
        fired_where_.clear();
    }
    void arm(VfsFault fault) {
        const std::lock_guard lock(mutex_);
        faults_.push_back({std::move(fault), false, false});
    }
    // The power goes now: unsynced writes are gone, every later operation fails.
    void cut_power() {
        const std::lock_guard lock(mutex_);
        pending_.clear();
        dead_ = true;
    }
    [[nodiscard]] int fired() const {
        const std::lock_guard lock(mutex_);
        return fired_;
    }
    [[nodiscard]] std::string fired_where() const {  // the first injected failure, for messages
        const std::lock_guard lock(mutex_);
        return fired_where_;
    }
    [[nodiscard]] int syncs() const {
        const std::lock_guard lock(mutex_);
        return syncs_;
    }
    [[nodiscard]] int writes() const {
        const std::lock_guard lock(mutex_);
        return writes_;
    }

private:
    struct File {
        sqlite3_file base;  // first: SQLite sees a File* as a sqlite3_file*
        FaultVfs* vfs;
        sqlite3_file* real;
        std::string path;
    };
    struct Op {  // an unsynced write (data) or truncation (size only)
        bool truncate = false;
        sqlite3_int64 offset = 0;  // truncate: the new size
        std::string data;
    };
    struct Armed {
        VfsFault fault;
        bool primed = false;  // sync/truncate with needles: the needles' write was seen
        bool fired = false;
    };

    FaultVfs() = default;
    static File* as(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
    static FaultVfs* of(sqlite3_vfs* v) { return static_cast<FaultVfs*>(v->pAppData); }

    // The code to fail this call with, or SQLITE_OK. Caller holds the mutex.
    int injected(VfsOp op, const File& f, std::string_view bytes, sqlite3_int64 offset) {
        for (auto& a : faults_) {
            const bool has_needles =
                std::all_of(a.fault.needles.begin(), a.fault.needles.end(),
                            [&](const std::string& n) { return bytes.find(n) != std::string_view::npos; });
            if (op == VfsOp::write && a.fault.op != VfsOp::write && !a.fault.needles.empty() && has_needles)
                a.primed = true;
            if (a.fault.op != op) continue;
            if (a.fired) {
                if (a.fault.sticky) return a.fault.rc;
                continue;
            }
            const bool matches = a.fault.needles.empty() || (op == VfsOp::write ? has_needles : a.primed);
            if (!matches) continue;
            if (a.fault.skip > 0) {
                --a.fault.skip;
                continue;
            }
            a.fired = true;
            if (fired_++ == 0) {
                static constexpr const char* names[] = {"write", "sync", "truncate"};
                fired_where_ = std::string(names[static_cast<int>(op)]) + " of " +
                               std::to_string(bytes.size()) + " bytes at " + std::to_string(offset) + " in " +
                               f.path;
            }
            return a.fault.rc;
        }
        return SQLITE_OK;
    }

    // The file as SQLite last wrote it: the disk's bytes with the unsynced operations on top.
    int read_through(File& f, void* buf, int amt, sqlite3_int64 offset) {
        sqlite3_int64 size = 0;
        if (const int rc = f.real->pMethods->xFileSize(f.real, &size); rc != SQLITE_OK) return rc;
        const int rc = f.real->pMethods->xRead(f.real, buf, amt, offset);  // zero-fills a short read
        if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
        auto* out = static_cast<unsigned char*>(buf);
        const sqlite3_int64 end = offset + amt;
        if (auto it = pending_.find(f.path); it != pending_.end()) {
            for (const Op& op : it->second) {
                if (op.truncate) {
                    if (op.offset < end)
                        std::memset(out + std::max<sqlite3_int64>(0, op.offset - offset), 0,
                                    static_cast<std::size_t>(end - std::max(op.offset, offset)));
                    size = op.offset;
                    continue;
                }
                const sqlite3_int64 op_end = op.offset + static_cast<sqlite3_int64>(op.data.size());
                const sqlite3_int64 from = std::max(op.offset, offset);
                const sqlite3_int64 to = std::min(op_end, end);
                if (from < to)
                    std::memcpy(out + (from - offset), op.data.data() + (from - op.offset),
                                static_cast<std::size_t>(to - from));
                size = std::max(size, op_end);
            }
        }
        if (end <= size) return SQLITE_OK;
        const sqlite3_int64 valid = std::max(size, offset);
        std::memset(out + (valid - offset), 0, static_cast<std::size_t>(end - valid));
        return SQLITE_IOERR_SHORT_READ;
    }

    // ---- sqlite3_io_methods ------------------------------------------------------------------
    static int close(sqlite3_file* file) {
        File* f = as(file);
        const int rc = f->real->pMethods->xClose(f->real);  // unsynced writes stay pending for the path
        std::free(f->real);
        f->path.~basic_string();
        return rc;
    }
    static int read(sqlite3_file* file, void* buf, int amt, sqlite3_int64 offset) {
        File* f = as(file);
        const std::lock_guard lock(f->vfs->mutex_);
        if (f->vfs->dead_) return SQLITE_IOERR_READ;
        if (!f->vfs->power_loss_) return f->real->pMethods->xRead(f->real, buf, amt, offset);
        return f->vfs->read_through(*f, buf, amt, offset);
    }
    static int write(sqlite3_file* file, const void* buf, int amt, sqlite3_int64 offset) {
        File* f = as(file);
        FaultVfs& v = *f->vfs;
        const std::lock_guard lock(v.mutex_);
        if (v.dead_) return SQLITE_IOERR_WRITE;
        ++v.writes_;
        const std::string_view bytes(static_cast<const char*>(buf), static_cast<std::size_t>(amt));
        if (const int rc = v.injected(VfsOp::write, *f, bytes, offset); rc != SQLITE_OK) return rc;
        if (!v.power_loss_) return f->real->pMethods->xWrite(f->real, buf, amt, offset);
        v.pending_[f->path].push_back({false, offset, std::string(bytes)});
        return SQLITE_OK;
    }
    static int truncate(sqlite3_file* file, sqlite3_int64 size) {
        File* f = as(file);
        FaultVfs& v = *f->vfs;
        const std::lock_guard lock(v.mutex_);
        if (v.dead_) return SQLITE_IOERR_TRUNCATE;
        if (const int rc = v.injected(VfsOp::truncate, *f, {}, size); rc != SQLITE_OK) return rc;
        if (!v.power_loss_) return f->real->pMethods->xTruncate(f->real, size);
        v.pending_[f->path].push_back({true, size, {}});
        return SQLITE_OK;
    }
    static int sync(sqlite3_file* file, int flags) {
        File* f = as(file);
        FaultVfs& v = *f->vfs;
        const std::lock_guard lock(v.mutex_);
        if (v.dead_) return SQLITE_IOERR_FSYNC;
        ++v.syncs_;
        if (const int rc = v.injected(VfsOp::sync, *f, {}, 0); rc != SQLITE_OK) return rc;
        if (auto it = v.pending_.find(f->path); it != v.pending_.end()) {  // now on the disk, in order
            for (const Op& op : it->second) {
                const int rc = op.truncate
                                   ? f->real->pMethods->xTruncate(f->real, op.offset)
                                   : f->real->pMethods->xWrite(f->real, op.data.data(),
                                                               static_cast<int>(op.data.size()), op.offset);
                if (rc != SQLITE_OK) return rc;
            }
            v.pending_.erase(it);
        }
        return f->real->pMethods->xSync(f->real, flags);
    }
    static int file_size(sqlite3_file* file, sqlite3_int64* size) {
        File* f = as(file);
        FaultVfs& v = *f->vfs;
        const std::lock_guard lock(v.mutex_);
        if (v.dead_) return SQLITE_IOERR_FSTAT;
        if (const int rc = f->real->pMethods->xFileSize(f->real, size); rc != SQLITE_OK) return rc;
        if (auto it = v.pending_.find(f->path); it != v.pending_.end()) {
            for (const Op& op : it->second) {
                *size = op.truncate ? op.offset
                                    : std::max(*size, op.offset + static_cast<sqlite3_int64>(op.data.size()));
            }
        }
        return SQLITE_OK;
    }
    static int lock(sqlite3_file* f, int level) { return as(f)->real->pMethods->xLock(as(f)->real, level); }
    static int unlock(sqlite3_file* f, int level) {
        return as(f)->real->pMethods->xUnlock(as(f)->real, level);
    }
    static int check_reserved(sqlite3_file* f, int* out) {
        return as(f)->real->pMethods->xCheckReservedLock(as(f)->real, out);
    }
    static int file_control(sqlite3_file* f, int op, void* arg) {
        return as(f)->real->pMethods->xFileControl(as(f)->real, op, arg);
    }
    static int sector_size(sqlite3_file* f) { return as(f)->real->pMethods->xSectorSize(as(f)->real); }
    static int device(sqlite3_file* f) { return as(f)->real->pMethods->xDeviceCharacteristics(as(f)->real); }
    static int shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
        return as(f)->real->pMethods->xShmMap(as(f)->real, page, size, extend, out);
    }
    static int shm_lock(sqlite3_file* f, int offset, int n, int flags) {
        return as(f)->real->pMethods->xShmLock(as(f)->real, offset, n, flags);
    }
    static void shm_barrier(sqlite3_file* f) { as(f)->real->pMethods->xShmBarrier(as(f)->real); }
    static int shm_unmap(sqlite3_file* f, int del) {
        return as(f)->real->pMethods->xShmUnmap(as(f)->real, del);
    }
    // No memory-mapped pages: every read goes through read() and sees the unsynced writes.
    static int fetch(sqlite3_file* /*f*/, sqlite3_int64 /*offset*/, int /*amt*/, void** out) {
        *out = nullptr;
        return SQLITE_OK;
    }
    static int unfetch(sqlite3_file* /*f*/, sqlite3_int64 /*offset*/, void* /*page*/) { return SQLITE_OK; }

    static constexpr sqlite3_io_methods methods_ = {
        3,         &close,       &read,           &write,        &truncate,    &sync,   &file_size,
        &lock,     &unlock,      &check_reserved, &file_control, &sector_size, &device, &shm_map,
        &shm_lock, &shm_barrier, &shm_unmap,      &fetch,        &unfetch};

    // ---- sqlite3_vfs -------------------------------------------------------------------------
    static int open(sqlite3_vfs* vfs, const char* path, sqlite3_file* file, int flags, int* out_flags) {
        FaultVfs& v = *of(vfs);
        File* f = as(file);
        f->base.pMethods = nullptr;
        {
            const std::lock_guard lock(v.mutex_);
            if (v.dead_) return SQLITE_CANTOPEN;
        }
        auto* real = static_cast<sqlite3_file*>(std::calloc(1, static_cast<std::size_t>(v.real_->szOsFile)));
        if (real == nullptr) return SQLITE_NOMEM;
        const int rc = v.real_->xOpen(v.real_, path, real, flags, out_flags);
        if (rc != SQLITE_OK) {
            if (real->pMethods != nullptr) real->pMethods->xClose(real);
            std::free(real);
            return rc;
        }
        f->vfs = &v;
        f->real = real;
        new (&f->path) std::string(path != nullptr ? path : "");
        f->base.pMethods = &methods_;
        return SQLITE_OK;
    }
    static int remove(sqlite3_vfs* vfs, const char* path, int sync_dir) {
        FaultVfs& v = *of(vfs);
        {
            const std::lock_guard lock(v.mutex_);
            if (v.dead_) return SQLITE_IOERR_DELETE;
            v.pending_.erase(path);
        }
        return v.real_->xDelete(v.real_, path, sync_dir);
    }

    sqlite3_vfs* real_ = nullptr;
    sqlite3_vfs vfs_{};
    mutable std::mutex mutex_;
    std::vector<Armed> faults_;
    std::map<std::string, std::vector<Op>> pending_;  // power-loss mode: unsynced operations per path
    bool power_loss_ = false;
    bool dead_ = false;
    int fired_ = 0;
    int writes_ = 0;
    int syncs_ = 0;
    std::string fired_where_;
};

}  // namespace edc::testing
