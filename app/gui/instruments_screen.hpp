#pragma once
// Instruments: serial ports found, the recipe's instruments and their identities (connect,
// *IDN? / pump version, disconnect), the simulated-hardware switch (the simulators of
// `edc run --sim`), and the pre-run checklist that must be ticked before Start.
#include <QWidget>
#include <optional>
#include <string>
#include <vector>

#include "recipes/format/recipe.hpp"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace edc::gui {

class InstrumentsScreen : public QWidget {
    Q_OBJECT
public:
    explicit InstrumentsScreen(QWidget* parent = nullptr);

    void set_recipe(const std::optional<recipes::Recipe>& recipe);
    void set_b_volume_to_load_ml(std::optional<double> ml);
    void set_simulate(bool on);
    [[nodiscard]] bool simulate() const;
    void set_speed(double speed);
    [[nodiscard]] double speed() const;
    // Simulator fault injection, "KIND@SECONDS" each (simulated hardware only), for training
    // and for checking the fault handling before a real run.
    void set_sim_faults(const QString& faults);
    [[nodiscard]] std::vector<std::string> sim_faults() const;
    // Simulated runs on a lock-step clock paced at the speed, the instruments' models in
    // process: the same run on an idle or a loaded machine (the tests' mode; no widget).
    void set_lockstep(bool on) { lockstep_ = on; }
    [[nodiscard]] bool lockstep() const { return lockstep_; }
    [[nodiscard]] bool checklist_complete() const;
    [[nodiscard]] QString checklist_missing() const;  // the unticked items, for the Start hint
    void tick_checklist(bool on);                     // after a run every item must be confirmed again
    void set_run_active(bool active);                 // the switch and identification are locked during a run
    [[nodiscard]] bool busy() const { return identifying_ || scanning_; }

signals:
    void readiness_changed();

public slots:
    void rescan_ports();
    void identify();

private:
    void update_identities_for_mode();

    std::optional<recipes::Recipe> recipe_;
    QCheckBox* simulate_;
    QDoubleSpinBox* speed_;
    QLineEdit* faults_;
    QTableWidget* ports_;
    QLabel* ports_status_;
    QTableWidget* instruments_;
    QPushButton* identify_;
    QPushButton* rescan_;
    QCheckBox* electrodes_;
    QCheckBox* syringe_;
    QCheckBox* stirrer_;
    bool run_active_ = false;
    bool lockstep_ = false;
    bool identifying_ = false;
    bool scanning_ = false;
};

}  // namespace edc::gui
