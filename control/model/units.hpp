#pragma once
// SI inside; these are the only conversions to and from lab units. Each is tested.
namespace edc::units {

inline constexpr double faraday_c_per_mol = 96485.332;

// volume
inline constexpr double m3_per_l = 1e-3;
inline constexpr double m3_per_ml = 1e-6;
inline constexpr double m3_per_ul = 1e-9;
// concentration: 1 mM = 1 mmol/L = 1 mol/m3
inline constexpr double mol_per_m3_per_mm = 1.0;
// area
inline constexpr double m2_per_cm2 = 1e-4;
// current density: 1 mA/cm2 = 1e-3 A / 1e-4 m2 = 10 A/m2
inline constexpr double a_per_m2_per_ma_per_cm2 = 10.0;
// length
inline constexpr double m_per_nm = 1e-9;
inline constexpr double m_per_mm = 1e-3;
// mass
inline constexpr double kg_per_mg = 1e-6;

constexpr double ml_per_min_to_m3_per_s(double v) { return v * m3_per_ml / 60.0; }
constexpr double m3_per_s_to_ml_per_min(double v) { return v / m3_per_ml * 60.0; }
constexpr double ul_per_min_to_m3_per_s(double v) { return v * m3_per_ul / 60.0; }
constexpr double m3_per_s_to_ul_per_min(double v) { return v / m3_per_ul * 60.0; }
constexpr double ml_per_h_to_m3_per_s(double v) { return v * m3_per_ml / 3600.0; }
constexpr double m3_per_s_to_ml_per_h(double v) { return v / m3_per_ml * 3600.0; }
constexpr double ul_per_h_to_m3_per_s(double v) { return v * m3_per_ul / 3600.0; }
constexpr double m3_per_s_to_ul_per_h(double v) { return v / m3_per_ul * 3600.0; }
constexpr double ml_to_m3(double v) { return v * m3_per_ml; }
constexpr double m3_to_ml(double v) { return v / m3_per_ml; }
constexpr double ul_to_m3(double v) { return v * m3_per_ul; }
constexpr double m3_to_ul(double v) { return v / m3_per_ul; }
constexpr double ma_per_cm2_to_a_per_m2(double v) { return v * a_per_m2_per_ma_per_cm2; }
constexpr double a_per_m2_to_ma_per_cm2(double v) { return v / a_per_m2_per_ma_per_cm2; }
constexpr double cm2_to_m2(double v) { return v * m2_per_cm2; }
constexpr double m2_to_cm2(double v) { return v / m2_per_cm2; }
constexpr double nm_to_m(double v) { return v * m_per_nm; }
constexpr double m_to_nm(double v) { return v / m_per_nm; }
constexpr double mm_to_m(double v) { return v * m_per_mm; }
// areal mass: 1 mg/cm2 = 1e-6 kg / 1e-4 m2 = 1e-2 kg/m2
constexpr double kg_per_m2_to_mg_per_cm2(double v) { return v * 100.0; }
constexpr double c_per_m2_to_c_per_cm2(double v) { return v * m2_per_cm2; }
constexpr double c_per_cm2_to_c_per_m2(double v) { return v / m2_per_cm2; }

}  // namespace edc::units
