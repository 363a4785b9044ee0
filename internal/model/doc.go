// Package model is genrec's genre model: a multinomial logistic regression
// on standardised clip features, calibrated by temperature scaling fitted on
// held-out predictions, trained deterministically in plain Go, stored as a
// small self-checking JSON file, and mapped onto the 16 challenge classes
// through an explicit prior shift, shrunk towards the target prior for
// inputs far from the training data.
//
// # Training
//
// Train learns over the covered classes: those with training rows (nine
// for GTZAN mapped by genre.Index). Each feature is optionally
// log-transformed (TrainConfig.LogVar: the "*_var" columns, whose values
// span orders of magnitude; TrainConfig.LogScale: the positive scale-like
// means in ScaleColumns) and standardised with the training mean and
// population standard deviation (a zero deviation counts as 1); the scaler
// is stored in the model. At prediction the standardised inputs are
// clipped to ±ZClip (1000), which keeps every output finite. With z_i the standardised rows and θ = (W, b),
// the objective is scikit-learn's
//
//	Σ_i −log softmax(W z_i + b)_{y_i} + ‖W‖²/(2C),
//
// intercepts b unpenalised. It is minimised by L-BFGS (memory 10, Armijo
// backtracking) from θ = 0, in float64, every loop in a fixed order and on
// one goroutine, so the same input gives a byte-identical model file on the
// same platform.
//
// # Calibration
//
// With s_k = log q(k|x) the regression's log-probabilities over the K
// covered classes, the calibrated probabilities are softmax(a_k·s_k + b_k):
// temperature scaling (a_k = 1/T, b_k = 0; TrainConfig.Calibration
// "temperature", the default), vector scaling (a_k, b_k free, a small
// ridge towards the identity; "vector") or none (a_k = 1, b_k = 0). The
// map is fitted by L-BFGS on out-of-fold predictions of the training rows:
// the rows of each class, in input order, are cut into TrainConfig.Folds
// contiguous blocks (contiguousFolds; no random seed is involved), and
// each block is predicted by a regression trained, with the same
// configuration, on the other blocks. GTZAN numbers the clips of an artist
// consecutively and has no artist column, so contiguous blocks keep most
// artists on one side; a seeded random k-fold would put clips of the same
// artist on both sides and make the held-out predictions look more
// confident than predictions for new artists (on the GTZAN validation split
// it fits T ≈ 0.57 and worsens log loss; see TestCompareGTZAN). The
// default is two folds. Calibration is applied in Predict before the prior
// shift.
//
// # Prior shift
//
// The calibrated regression estimates q(c|x) for the covered classes under the
// training prior π_tr (the class frequencies of y, stored in the model).
// Predictions are wanted under a target prior π_t (by default the FMA
// genre_top frequencies passed to Train, also stored). Assuming label
// shift, p(x|c) is the same in both worlds, so by Bayes' rule
//
//	p_t(c|x) ∝ p(x|c)·π_t(c) ∝ q(c|x)·π_t(c)/π_tr(c).
//
// The features say nothing about the uncovered classes, for which there
// is no p(x|u); the model therefore keeps their prior, p(u|x) = π_t(u), and
// gives the covered classes together their prior mass M = Σ_covered π_t(c),
// shared by the reweighted posterior:
//
//	p(c|x) = M · q(c|x)·π_t(c)/π_tr(c) / Σ_{c' covered} q(c'|x)·π_t(c')/π_tr(c')
//	p(u|x) = π_t(u).
//
// This sums to M + (1 − M) = 1. The reweighting is done in log space
// (logits shifted by log π_t(c) − log π_tr(c)) and the row is renormalised
// at the end, so every output is finite, in [0, 1], and sums to 1.
//
// SetTarget chooses π_t: "fma" (the prior given to Train), "train" (π_tr,
// which leaves q unchanged), "uniform" (1/16 each) or a CSV file of
// "genre,weight" records. Any class a target gives zero weight shares a
// floor of PriorFloor = 1e-4 in total (the others being scaled by
// 1 − 1e-4), so no class ever has probability 0 and log loss stays finite.
// Fallback returns π_t itself: the prediction for a file that cannot be
// analysed.
//
// # Abstention
//
// Far from the training data the regression extrapolates linearly and
// gives confident, meaningless answers (a pure tone got Country 0.43
// against a prior of 0.007). Predict therefore measures the distance of
// each input from the training data, d = RMS of the standardised, clipped
// model inputs (Novelty), and shrinks the final 16-class row towards the
// target prior:
//
//	λ = clamp((d − a·d_q)/((b − a)·d_q), 0, 1),   p ← (1 − λ)·p + λ·π_t,
//
// where d_q is the AbstainQuantile (0.99) nearest-rank quantile of d over
// the training rows, computed by Train with the fitted scaler and stored,
// a = AbstainStart = 1.4 and b = AbstainFull = 1.9. The blend is applied
// after calibration and after the prior shift, towards the same target
// prior π_t that the shift used, so the uncovered classes keep exactly
// π_t(u), a row with λ = 1 equals Fallback, and a row with λ = 0 is the
// prior-shifted calibrated posterior above. The constants are set from
// measured distances (see AbstainStart and docs/model.md): no GTZAN clip
// reaches a·d_q and every synthetic non-music signal tried lies beyond
// b·d_q.
//
// # File format
//
// WriteTo writes indented JSON with fields in a fixed order:
//
//	{"format": "genrec-model", "version": 3, "sha256": "<hex>", "payload": {
//	  "recipe": {sample_rate, n_fft, hop, features},
//	  "classes": [16 names], "covered": [names],
//	  "scaler": {log, offset, mean, scale}, "weights": [[…]], "intercepts": […],
//	  "calibration": {method, scale: [K], bias: [K]},
//	  "abstention": {distance: "rms_z", quantile, reference, start, full},
//	  "priors": {train, fma}, "target": {name, prior},
//	  "training": {optimiser, c, max_iter, tol, log_var, log_scale, calibration, folds,
//	               iterations, converged, objective, grad_max},
//	  "data": {source, rows, class_counts}}}
//
// Version 2 added the calibration and the log_scale, calibration and folds
// training fields; version 3 added the abstention rule (reference = d_q,
// start = a, full = b). Read rejects every other version (1, 2, …) with
// ErrVersion, naming both versions: retrain the model with this build.
//
// Floats are written with strconv 'g', precision -1, so they read back
// exactly. The checksum is the SHA-256 of the payload in compact form
// (json.Compact), so re-indenting a file keeps it valid while any change of
// content is caught. Read verifies format, version, checksum, recipe,
// dimensions and finiteness and returns wrapped errors (ErrFormat,
// ErrVersion, ErrChecksum, ErrCorrupt) rather than panicking.
package model
