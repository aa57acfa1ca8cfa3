#include "app/calibration/depth_profile.hpp"
