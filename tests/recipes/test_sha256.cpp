// FIPS 180-2 appendix B test vectors, and incremental hashing equal to one-shot hashing.
#include <gtest/gtest.h>

#include <string>

#include "recipes/format/sha256.hpp"

using edc::recipes::Sha256;
using edc::recipes::sha256_hex;
using edc::recipes::to_hex;

TEST(Sha256, MatchesFipsVectorAbc) {
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, MatchesEmptyMessageVector) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, MatchesFipsTwoBlockVector) {
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MatchesFipsMillionAVector) {
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
    const std::string text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq, and some more bytes "
                             "to cross block boundaries at odd offsets: 0123456789";
    for (std::size_t split = 0; split <= text.size(); split += 7) {
        Sha256 h;
        h.update(std::string_view(text).substr(0, split));
        h.update(std::string_view(text).substr(split));
        EXPECT_EQ(to_hex(h.finish()), sha256_hex(text)) << split;
    }
}

TEST(Sha256, FinishResetsForTheNextMessage) {
    Sha256 h;
    h.update("xyz");
    (void)h.finish();
    h.update("abc");
    EXPECT_EQ(to_hex(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
