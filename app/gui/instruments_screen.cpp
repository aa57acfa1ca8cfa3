#include "app/gui/instruments_screen.hpp"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/gui/background.hpp"
#include "app/gui/gui_format.hpp"
#include "app/gui/instrument_probe.hpp"
#include "app/runtime/instrument_ports.hpp"

namespace edc::gui {
namespace {

QTableWidget* make_table(QWidget* parent, const QStringList& headers) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->setVisible(false);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    return t;
}

void set_row(QTableWidget* t, int row, const QStringList& cells) {
    for (int c = 0; c < cells.size(); ++c) t->setItem(row, c, new QTableWidgetItem(cells[c]));
}

}  // namespace

InstrumentsScreen::InstrumentsScreen(QWidget* parent)
    : QWidget(parent),
      simulate_(new QCheckBox(tr("&Simulated hardware (the edc-sim instruments of “edc run --sim”)"), this)),
      speed_(new QDoubleSpinBox(this)),
      faults_(new QLineEdit(this)),
      ports_(make_table(this, {tr("Port"), tr("Description"), tr("USB VID:PID"), tr("Manufacturer / product"),
                               tr("Serial number")})),
      ports_status_(new QLabel(this)),
      instruments_(make_table(this, {tr("Role"), tr("Model"), tr("Port"), tr("Identity")})),
      identify_(new QPushButton(tr("&Identify (connect, ask, disconnect)"), this)),
      rescan_(new QPushButton(tr("Re&scan ports"), this)),
      electrodes_(
          new QCheckBox(tr("&Electrodes connected: WE (substrate), CE, RE; cell filled with A"), this)),
      syringe_(new QCheckBox(this)),
      stirrer_(new QCheckBox(tr("S&tirrer on"), this)) {
    simulate_->setObjectName(QStringLiteral("simulate"));
    speed_->setObjectName(QStringLiteral("sim_speed"));
    speed_->setRange(1.0, 1000.0);
    speed_->setDecimals(0);
    speed_->setValue(1.0);
    speed_->setSuffix(tr(" × real time"));
    speed_->setEnabled(false);
    faults_->setObjectName(QStringLiteral("sim_faults"));
    faults_->setPlaceholderText(tr("none; e.g. pump-stall@60, galvanostat-timeout@90 (simulated s)"));
    faults_->setEnabled(false);
    connect(simulate_, &QCheckBox::toggled, this, [this](bool on) {
        speed_->setEnabled(on && !run_active_);
        faults_->setEnabled(on && !run_active_);
        update_identities_for_mode();
        emit readiness_changed();
    });

    auto* mode = new QGroupBox(tr("Hardware"), this);
    auto* mode_form = new QFormLayout(mode);
    mode_form->addRow(simulate_);
    mode_form->addRow(tr("Simulation &speed:"), speed_);
    mode_form->addRow(tr("Inject &faults:"), faults_);

    auto* ports_box = new QGroupBox(tr("Serial ports found"), this);
    auto* ports_layout = new QVBoxLayout(ports_box);
    ports_layout->addWidget(ports_);
    auto* ports_row = new QHBoxLayout();
    ports_row->addWidget(ports_status_, 1);
    ports_row->addWidget(rescan_);
    ports_layout->addLayout(ports_row);
    connect(rescan_, &QPushButton::clicked, this, &InstrumentsScreen::rescan_ports);

    auto* inst_box = new QGroupBox(tr("Instruments named by the recipe"), this);
    auto* inst_layout = new QVBoxLayout(inst_box);
    instruments_->setObjectName(QStringLiteral("instrument_table"));
    inst_layout->addWidget(instruments_);
    inst_layout->addWidget(identify_, 0, Qt::AlignRight);
    connect(identify_, &QPushButton::clicked, this, &InstrumentsScreen::identify);

    auto* check_box = new QGroupBox(tr("Pre-run checklist (every item must be ticked before Start)"), this);
    auto* check_layout = new QVBoxLayout(check_box);
    electrodes_->setObjectName(QStringLiteral("check_electrodes"));
    syringe_->setObjectName(QStringLiteral("check_syringe"));
    stirrer_->setObjectName(QStringLiteral("check_stirrer"));
    for (QCheckBox* c : {electrodes_, syringe_, stirrer_}) {
        check_layout->addWidget(c);
        connect(c, &QCheckBox::toggled, this, &InstrumentsScreen::readiness_changed);
    }
    set_b_volume_to_load_ml(std::nullopt);

    auto* layout = new QGridLayout(this);
    layout->addWidget(mode, 0, 0);
    layout->addWidget(check_box, 0, 1);
    layout->addWidget(inst_box, 1, 0, 1, 2);
    layout->addWidget(ports_box, 2, 0, 1, 2);
    layout->setRowStretch(1, 1);
    layout->setRowStretch(2, 2);
    update_identities_for_mode();
}

void InstrumentsScreen::set_recipe(const std::optional<recipes::Recipe>& recipe) {
    const bool instruments_changed = !recipe || !recipe_ ||
                                     recipe->galvanostat.port != recipe_->galvanostat.port ||
                                     recipe->pump.has_value() != recipe_->pump.has_value() ||
                                     (recipe->pump && recipe->pump->port != recipe_->pump->port);
    recipe_ = recipe;
    if (instruments_changed) update_identities_for_mode();
}

void InstrumentsScreen::set_b_volume_to_load_ml(std::optional<double> ml) {
    const QString text =
        ml ? tr("S&yringe loaded with solution B: at least %1, bubbles purged").arg(with_unit(*ml, 2, "mL"))
           : tr("S&yringe loaded with solution B, bubbles purged");
    if (text == syringe_->text()) return;
    syringe_->setText(text);
    // The amount changed: the technician must confirm it again.
    syringe_->setChecked(false);
}

void InstrumentsScreen::update_identities_for_mode() {
    instruments_->setRowCount(0);
    if (!recipe_) {
        identify_->setEnabled(false);
        return;
    }
    const bool sim = simulate();
    auto add = [&](const QString& role, const QString& model, const QString& port) {
        const int row = instruments_->rowCount();
        instruments_->insertRow(row);
        set_row(instruments_, row,
                {role, model, sim ? tr("simulator (PTY / loopback TCP)") : port,
                 sim ? tr("simulated: started with the run") : tr("not asked yet")});
    };
    add(tr("Galvanostat"), QString::fromUtf8(recipes::to_string(recipe_->galvanostat.model).data()),
        QString::fromStdString(app::galvanostat_port(recipe_->galvanostat)));
    if (recipe_->pump)
        add(tr("Syringe pump"), QString::fromUtf8(recipes::to_string(recipe_->pump->model).data()),
            QString::fromStdString(recipe_->pump->port));
    instruments_->resizeColumnsToContents();
    instruments_->horizontalHeader()->setStretchLastSection(true);
    identify_->setEnabled(!sim && !run_active_);
}

void InstrumentsScreen::identify() {
    if (!recipe_ || simulate() || run_active_) return;
    identify_->setEnabled(false);
    identifying_ = true;
    for (int r = 0; r < instruments_->rowCount(); ++r)
        instruments_->setItem(r, 3, new QTableWidgetItem(tr("connecting…")));
    run_in_background(
        this, [recipe = *recipe_] { return identify_instruments(recipe); },
        [this](std::vector<InstrumentIdentity> ids) {
            identifying_ = false;
            for (int r = 0; r < instruments_->rowCount() && r < static_cast<int>(ids.size()); ++r) {
                const auto& id = ids[static_cast<std::size_t>(r)];
                auto* item = new QTableWidgetItem(
                    id.identity ? QStringLiteral("✔ ") + QString::fromStdString(*id.identity)
                                : QStringLiteral("✘ %1: %2 (%3)")
                                      .arg(QString::fromStdString(id.identity.error().code),
                                           QString::fromStdString(id.identity.error().message),
                                           QString::fromStdString(id.identity.error().where)));
                item->setForeground(id.identity ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
                instruments_->setItem(r, 3, item);
            }
            identify_->setEnabled(!simulate() && !run_active_);
        });
}

void InstrumentsScreen::rescan_ports() {
    rescan_->setEnabled(false);
    scanning_ = true;
    ports_status_->setText(tr("Scanning…"));
    run_in_background(
        this, [] { return scan_ports(); },
        [this](Result<std::vector<io::PortInfo>> ports) {
            rescan_->setEnabled(true);
            scanning_ = false;
            ports_->setRowCount(0);
            if (!ports) {
                ports_status_->setText(tr("✘ %1").arg(QString::fromStdString(ports.error().message)));
                return;
            }
            for (const auto& p : *ports) {
                const int row = ports_->rowCount();
                ports_->insertRow(row);
                set_row(ports_, row,
                        {QString::fromStdString(p.name), QString::fromStdString(p.description),
                         QString::fromStdString(io::usb_id(p)),
                         QString::fromStdString(p.usb_manufacturer + " " + p.usb_product).trimmed(),
                         QString::fromStdString(p.usb_serial)});
            }
            ports_->resizeColumnsToContents();
            ports_->horizontalHeader()->setStretchLastSection(true);
            ports_status_->setText(ports->empty()
                                       ? tr("No serial ports found (simulators use pseudo-terminals, "
                                            "which are not listed).")
                                       : tr("%1 port(s).").arg(ports->size()));
        });
}

void InstrumentsScreen::set_simulate(bool on) {
    simulate_->setChecked(on);
}
bool InstrumentsScreen::simulate() const {
    return simulate_->isChecked();
}
void InstrumentsScreen::set_speed(double speed) {
    speed_->setValue(speed);
}
double InstrumentsScreen::speed() const {
    return speed_->value();
}
void InstrumentsScreen::set_sim_faults(const QString& faults) {
    faults_->setText(faults);
}

std::vector<std::string> InstrumentsScreen::sim_faults() const {
    std::vector<std::string> out;
    if (!simulate()) return out;
    for (const QString& f :
         faults_->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        out.push_back(f.toStdString());
    return out;
}

bool InstrumentsScreen::checklist_complete() const {
    return electrodes_->isChecked() && syringe_->isChecked() && stirrer_->isChecked();
}

QString InstrumentsScreen::checklist_missing() const {
    QStringList missing;
    if (!electrodes_->isChecked()) missing << tr("electrodes");
    if (!syringe_->isChecked()) missing << tr("syringe");
    if (!stirrer_->isChecked()) missing << tr("stirrer");
    return missing.isEmpty() ? QString() : tr("tick %1 on the Instruments checklist").arg(missing.join(", "));
}

void InstrumentsScreen::tick_checklist(bool on) {
    for (QCheckBox* c : {electrodes_, syringe_, stirrer_}) c->setChecked(on);
}

void InstrumentsScreen::set_run_active(bool active) {
    run_active_ = active;
    simulate_->setEnabled(!active);
    speed_->setEnabled(!active && simulate());
    faults_->setEnabled(!active && simulate());
    identify_->setEnabled(!active && !simulate() && recipe_.has_value());
}

}  // namespace edc::gui
