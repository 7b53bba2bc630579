package org.gmi.study;

/**
 * Welch's two-sample t-test (unequal variances), two-sided: what {@code gmi study} calls a
 * significant difference between two methods' per-seed mean accuracies.
 *
 * <pre>
 *   t  = (m1 - m2) / sqrt(v1/n1 + v2/n2)                      v the sample variances (n - 1)
 *   df = (v1/n1 + v2/n2)^2 / ((v1/n1)^2/(n1-1) + (v2/n2)^2/(n2-1))   (Welch-Satterthwaite)
 *   p  = P(|T_df| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2)         I the regularised incomplete beta
 * </pre>
 * Needs two values on each side. When both samples are constant the test is degenerate: p = 1 for
 * equal means, 0 otherwise.
 */
final class WelchTest {
    private WelchTest() {}

    record Result(double meanDifference, double t, double df, double p) {}

    /** The test of a against b, or null when either has fewer than 2 values. */
    static Result test(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) {
            return null;
        }
        double m1 = mean(a);
        double m2 = mean(b);
        double s1 = variance(a, m1) / a.length;
        double s2 = variance(b, m2) / b.length;
        double se2 = s1 + s2;
        if (se2 == 0) {
            return new Result(m1 - m2, m1 == m2 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, m1 - m2), Double.NaN,
                    m1 == m2 ? 1 : 0);
        }
        double t = (m1 - m2) / Math.sqrt(se2);
        double df = se2 * se2 / (s1 * s1 / (a.length - 1) + s2 * s2 / (b.length - 1));
        return new Result(m1 - m2, t, df, twoSidedP(t, df));
    }

    /** P(|T| >= |t|) for Student's t with df degrees of freedom. */
    static double twoSidedP(double t, double df) {
        return regularizedBeta(df / (df + t * t), df / 2, 0.5);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The sample variance (divisor n - 1); 0 for fewer than 2 values. */
    static double variance(double[] v, double mean) {
        if (v.length < 2) {
            return 0;
        }
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / (v.length - 1);
    }

    /** I_x(a, b), by the continued fraction of Numerical Recipes (section 6.4), modified Lentz. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        // the fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise
        if (x < (a + 1) / (a + b + 2)) {
            return front * betaFraction(x, a, b) / a;
        }
        return 1 - front * betaFraction(1 - x, b, a) / b;
    }

    private static double betaFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-14) {
                break;
            }
        }
        return h;
    }

    /** log Gamma(x) for x > 0 (Lanczos, g = 7, 9 coefficients: about 15 significant digits). */
    static double logGamma(double x) {
        final double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double s = c[0];
        for (int i = 1; i < 9; i++) {
            s += c[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
    }
}
