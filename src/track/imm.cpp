#include "track/imm.h"

#include <cmath>

namespace tocsin::track {

double Innovation(const Measurement& m, const Vec6& x, const Mat6& P, double* log_det_s) {
  const Linearized l = Linearize(m, x);
  const Mat3 s = l.H * P * l.H.transpose() + l.R;
  const Eigen::LLT<Mat3> llt(s);
  if (llt.info() != Eigen::Success) {
    if (log_det_s) *log_det_s = 0.0;
    return 1e18;
  }
  if (log_det_s) {
    const Mat3 lm = llt.matrixL();
    *log_det_s = 2.0 * (std::log(lm(0, 0)) + std::log(lm(1, 1)) + std::log(lm(2, 2)));
  }
  return l.y.dot(llt.solve(l.y));
}

double KalmanUpdate(const Measurement& m, Vec6* x, Mat6* P, double* nis) {
  const Linearized l = Linearize(m, *x);
  const Eigen::Matrix<double, 6, 3> pht = *P * l.H.transpose();
  const Mat3 s = l.H * pht + l.R;
  const Eigen::LLT<Mat3> llt(s);
  if (llt.info() != Eigen::Success) {
    if (nis) *nis = 1e18;
    return 0.0;
  }
  const Eigen::Matrix<double, 6, 3> k = llt.solve(pht.transpose()).transpose();
  const double d2 = l.y.dot(llt.solve(l.y));
  *x += k * l.y;
  // Joseph form keeps P symmetric positive definite with large priors.
  const Mat6 ikh = Mat6::Identity() - k * l.H;
  *P = ikh * *P * ikh.transpose() + k * l.R * k.transpose();
  *P = 0.5 * (*P + P->transpose());
  if (nis) *nis = d2;
  const Mat3 lm = llt.matrixL();
  const double det_sqrt = lm(0, 0) * lm(1, 1) * lm(2, 2);
  return std::exp(-0.5 * std::min(d2, 600.0)) / std::max(det_sqrt, 1e-300);
}

void Imm::Reset(const MotionModel* models, int n, const Vec6& x, const Mat6& P, const TrackerConfig& c) {
  n_ = std::clamp(n, 1, kMaxModes);
  for (int i = 0; i < n_; ++i) {
    models_[i] = models[i];
    params_[i] = ParamsFor(models[i], c);
    xs_[i] = x;
    ps_[i] = P;
    mu_[i] = 1.0 / n_;
  }
  x_ = x;
  P_ = P;
}

void Imm::Predict(double dt, const TrackerConfig& c) {
  if (dt == 0.0) return;
  if (n_ > 1) {
    // Mixing: p_ij = stay on the diagonal, the rest spread evenly.
    const double stay = std::clamp(std::pow(c.imm_stay_per_s, std::abs(dt)), 0.5, 0.999);
    const double move = (1.0 - stay) / (n_ - 1);
    std::array<double, kMaxModes> cbar{};
    for (int j = 0; j < n_; ++j) {
      for (int i = 0; i < n_; ++i) cbar[j] += (i == j ? stay : move) * mu_[i];
    }
    std::array<Vec6, kMaxModes> x0{};
    std::array<Mat6, kMaxModes> p0{};
    for (int j = 0; j < n_; ++j) {
      x0[j].setZero();
      std::array<double, kMaxModes> w{};
      for (int i = 0; i < n_; ++i) {
        w[i] = (i == j ? stay : move) * mu_[i] / std::max(cbar[j], 1e-300);
        x0[j] += w[i] * xs_[i];
      }
      p0[j].setZero();
      for (int i = 0; i < n_; ++i) {
        const Vec6 d = xs_[i] - x0[j];
        p0[j] += w[i] * (ps_[i] + d * d.transpose());
      }
    }
    for (int j = 0; j < n_; ++j) {
      xs_[j] = x0[j];
      ps_[j] = p0[j];
      mu_[j] = cbar[j];
    }
  }
  // One local frame for every mode (the modes' positions differ by metres).
  const Mat3 local = EnuToEcefAt(x_.head<3>());
  for (int j = 0; j < n_; ++j) PredictState(params_[j], dt, &xs_[j], &ps_[j], &local);
  Combine();
}

void Imm::Update(const Measurement& m) {
  double total = 0.0;
  std::array<double, kMaxModes> lik{};
  for (int j = 0; j < n_; ++j) {
    double nis = 0.0;
    lik[j] = KalmanUpdate(m, &xs_[j], &ps_[j], &nis);
    total += lik[j] * mu_[j];
  }
  if (total > 1e-300) {
    for (int j = 0; j < n_; ++j) mu_[j] = std::max(lik[j] * mu_[j] / total, 1e-6);
    double s = 0.0;
    for (int j = 0; j < n_; ++j) s += mu_[j];
    for (int j = 0; j < n_; ++j) mu_[j] /= s;
  }
  Combine();
}

void Imm::Combine() {
  if (n_ == 1) {
    x_ = xs_[0];
    P_ = ps_[0];
    return;
  }
  x_.setZero();
  for (int j = 0; j < n_; ++j) x_ += mu_[j] * xs_[j];
  P_.setZero();
  for (int j = 0; j < n_; ++j) {
    const Vec6 d = xs_[j] - x_;
    P_ += mu_[j] * (ps_[j] + d * d.transpose());
  }
}

void Imm::PredictCombined(double dt, const TrackerConfig& c, Vec6* x, Mat6* P) const {
  *x = x_;
  *P = P_;
  int best = 0;
  for (int j = 1; j < n_; ++j) {
    if (mu_[j] > mu_[best]) best = j;
  }
  PredictState(params_[best], dt, x, P);
}

}  // namespace tocsin::track
