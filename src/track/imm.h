// The filter of one track (predictor + updater steps): an Interacting Multiple
// Model (IMM) estimator over up to kMaxModes motion models sharing one ECEF state,
// each mode an extended Kalman filter. With one mode it is a plain (E)KF.
//
// Thread-safety: plain value; one thread at a time.
#pragma once

#include <array>

#include "track/measurement.h"
#include "track/motion_model.h"

namespace tocsin::track {

// EKF update of one mode. Returns the measurement likelihood (Gaussian density of
// the innovation, without the constant (2 pi)^(-dim/2)) and sets *nis to the squared
// Mahalanobis distance of the innovation.
double KalmanUpdate(const Measurement& m, Vec6* x, Mat6* P, double* nis);

// Squared Mahalanobis distance of a measurement against (x, P) and log det S: the
// gating and assignment cost. Does not change the state.
double Innovation(const Measurement& m, const Vec6& x, const Mat6& P, double* log_det_s);

class Imm {
 public:
  static constexpr int kMaxModes = 4;

  // Starts with the given models (1..kMaxModes), equal probabilities, every mode at (x, P).
  void Reset(const MotionModel* models, int n, const Vec6& x, const Mat6& P, const TrackerConfig& c);
  // Interaction (mixing) then per-mode prediction by dt seconds (may be negative).
  void Predict(double dt, const TrackerConfig& c);
  // Per-mode EKF updates and mode-probability update.
  void Update(const Measurement& m);

  // Combined estimate (moment-matched over the modes).
  const Vec6& x() const { return x_; }
  const Mat6& P() const { return P_; }
  int modes() const { return n_; }
  MotionModel model(int i) const { return models_[i]; }
  double probability(int i) const { return mu_[i]; }
  // Predicts only the combined estimate by dt with the most probable mode's model
  // (cheap; for gating).
  void PredictCombined(double dt, const TrackerConfig& c, Vec6* x, Mat6* P) const;

 private:
  void Combine();

  int n_ = 0;
  std::array<MotionModel, kMaxModes> models_{};
  std::array<MotionParams, kMaxModes> params_{};
  std::array<Vec6, kMaxModes> xs_{};
  std::array<Mat6, kMaxModes> ps_{};
  std::array<double, kMaxModes> mu_{};
  Vec6 x_ = Vec6::Zero();
  Mat6 P_ = Mat6::Identity();
};

}  // namespace tocsin::track
