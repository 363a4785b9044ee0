// Package metrics scores probabilistic genre predictions against true
// classes, the way the challenge and its peers are scored.
//
// Evaluate computes, over rows of 16 probabilities in genre.Classes order:
//
//   - log loss: the mean of −log p(true class), with every probability first
//     clipped to [1e-15, 1] and each row then renormalised to sum to 1 (as
//     scikit-learn's log_loss does), so it is always finite;
//   - macro F1: the unweighted mean of the per-class F1 scores over the
//     classes present in the true labels. This equals scikit-learn's
//     f1_score(average="macro", labels=<classes present in y_true>); classes
//     that are only predicted, never true, are left out of the mean (they
//     still lower the recall of the true classes they were confused with). A
//     class with no predictions has precision 0 and F1 0;
//   - accuracy of the top-1 class (ties go to the lowest class index);
//   - expected calibration error (ECE): top-1 confidences are put in 15
//     equal-width bins (lo, hi] of [0, 1] (a confidence of 0 goes to the
//     first bin), and ECE = Σ_b (n_b/N)·|accuracy_b − mean confidence_b|;
//     the bins themselves (Report.Bins) are the reliability diagram, and
//     Report.MeanConfidence is the mean top-1 confidence;
//   - the confusion matrix, rows = true class, columns = predicted class.
//
// Report.WriteText renders the figures, a per-class table and the confusion
// matrix restricted to the classes that occur, with short class names.
package metrics
