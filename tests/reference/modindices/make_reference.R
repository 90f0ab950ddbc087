# lavaan 0.6.14 modification indices of two CFAs on bundled data, for tests/test_modindices.py.
# Run from the repository root:  Rscript tests/reference/modindices/make_reference.R
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
hs <- read.csv("data/holzinger_swineford_1939/HolzingerSwineford1939.csv")
mobi <- read.csv("data/ecsi_mobile_phone_mobi/mobi.csv")
cases <- list(
  holzinger = list(data = hs, model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"),
  mobi = list(data = mobi, model = "Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5\nSatisfaction =~ CUSA1 + CUSA2 + CUSA3\nLoyalty =~ CUSL1 + CUSL2 + CUSL3"))
out <- list(lavaan = as.character(packageVersion("lavaan")))
for (nm in names(cases)) {
  fit <- cfa(cases[[nm]]$model, data = cases[[nm]]$data)
  mi <- modindices(fit)
  res <- residuals(fit, type = "cor")$cov
  out[[nm]] <- list(model = cases[[nm]]$model, n = nobs(fit),
                    mi = list(lhs = mi$lhs, op = mi$op, rhs = mi$rhs, mi = mi$mi, epc = mi$epc,
                              sepc_lv = mi$sepc.lv, sepc_all = mi$sepc.all),
                    residual_cor = list(names = rownames(res), data = unname(as.matrix(res))))
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "tests/reference/modindices/modindices.json")
cat("written\n")
