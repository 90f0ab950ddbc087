#!/usr/bin/env Rscript
# =============================================================================
# make_reference.R -- R psych on correlation matrices that are not positive
# definite (pairwise deletion) and on one-factor ultra-Heywood solutions.
#
#   cd tests/reference/pairwise && Rscript make_reference.R
#
# writes pairwise.json and heywood.json next to this script.
#
# Data
#   bfi_three_form.csv (next to this script): rows 1501-1560 of the bundled
#   bfi.csv (src/servqual/_data/bfi_big_five_sapa/bfi.csv; ids 64824-64962),
#   items N1-N5 and O1-O5, with a planned-missingness "three-form" design
#   (Graham et al. 2006): respondent i (1-based row i of the 60) gets form
#   ((i - 1) mod 3) + 1 (column "form"); N1, N2, O1, O2 are asked on every form,
#   form 1 leaves out N3 and O3, form 2 N4 and O4, form 3 N5 and O5. Two answers
#   that are missing in bfi.csv itself stay missing. No row is complete, so only
#   pairwise deletion is possible; the pairwise correlation matrix (and the
#   matrix cov2cor(cov(use = "pairwise")) that psych::alpha uses) is indefinite.
#
#   The ultra-Heywood cases read the bundled data sets themselves
#   (src/servqual/_data/...), listwise complete on the items of each case.
#
# Versions: R 4.2.2, psych 2.2.9, GPArotation 2022.10-2 (Debian bookworm).
# Outputs are deterministic (set.seed(42); fa.parallel is only used for its observed values).
# =============================================================================

suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(jsonlite)
})
options(mc.cores = 1, warn = 1, stringsAsFactors = FALSE)

here <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f)) dirname(normalizePath(f)) else getwd()
})
root <- normalizePath(file.path(here, "..", "..", ".."))

# ---- JSON with full double precision (as tests/reference/oracle/psychometrics.R) ----
num_str <- function(x) {
  x <- as.double(x)
  out <- rep("null", length(x))
  ok <- is.finite(x)
  if (any(ok)) {
    v <- x[ok]
    s <- sprintf("%.15g", v)
    for (d in c(16L, 17L)) {
      bad <- as.numeric(s) != v
      if (!any(bad)) break
      s[bad] <- sprintf(paste0("%.", d, "g"), v[bad])
    }
    out[ok] <- s
  }
  out
}
json_str <- function(s) {
  if (is.na(s)) return("null")
  as.character(jsonlite::toJSON(as.character(s), auto_unbox = TRUE))
}
to_json <- function(x, indent = 0L) {
  pad <- strrep("  ", indent); pad1 <- strrep("  ", indent + 1L)
  if (is.null(x)) return("null")
  if (is.data.frame(x)) x <- as.list(x)
  asis <- inherits(x, "AsIs")
  if (is.list(x)) {
    nm <- names(x)
    if (length(x) == 0) return(if (!is.null(nm)) "{}" else "[]")
    items <- vapply(x, to_json, "", indent = indent + 1L, USE.NAMES = FALSE)
    if (!is.null(nm) && all(nzchar(nm)) && !asis) {
      keys <- vapply(nm, json_str, "", USE.NAMES = FALSE)
      return(paste0("{\n", paste0(pad1, keys, ": ", items, collapse = ",\n"), "\n", pad, "}"))
    }
    return(paste0("[\n", paste0(pad1, items, collapse = ",\n"), "\n", pad, "]"))
  }
  if (is.matrix(x)) {
    rows <- lapply(seq_len(nrow(x)), function(i) I(unname(x[i, , drop = TRUE])))
    return(to_json(rows, indent))
  }
  if (is.logical(x)) {
    s <- ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  } else if (is.numeric(x)) {
    s <- num_str(x)
  } else {
    s <- vapply(as.character(x), json_str, "", USE.NAMES = FALSE)
  }
  nm <- names(x)
  if (!is.null(nm) && all(nzchar(nm)) && !asis && length(x) > 0) {
    keys <- vapply(nm, json_str, "", USE.NAMES = FALSE)
    return(paste0("{", paste0(keys, ": ", s, collapse = ", "), "}"))
  }
  if (length(s) == 1 && !asis) return(s)
  paste0("[", paste(s, collapse = ", "), "]")
}
arr <- function(x) I(unname(as.vector(x)))
mat <- function(x) unname(as.matrix(unclass(x)))

# run expr, keep its warnings and messages
caught <- function(expr) {
  w <- character(0); m <- character(0)
  val <- withCallingHandlers(
    tryCatch(expr, error = function(e) structure(list(error = conditionMessage(e)), class = "failed")),
    warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") },
    message = function(c) { m <<- c(m, conditionMessage(c)); invokeRestart("muffleMessage") })
  list(value = val, warnings = arr(unique(trimws(w))), messages = arr(unique(trimws(m))))
}

# minres criterion of psych::fa (fit.residuals) at the uniquenesses psi
minres_value <- function(psi, S, nf) {
  diag(S) <- 1 - psi
  e <- eigen(S)
  e$values[e$values < .Machine$double.eps] <- 100 * .Machine$double.eps
  L <- if (nf > 1) e$vectors[, 1:nf] %*% diag(sqrt(e$values[1:nf])) else e$vectors[, 1] * sqrt(e$values[1])
  res <- S - L %*% t(L)
  sum(res[lower.tri(res)]^2)
}

fa_block <- function(x, nf, fm, rotate = "oblimin", n.obs = NA) {
  out <- caught(fa(x, nf, fm = fm, rotate = rotate, n.obs = n.obs))
  f <- out$value
  if (inherits(f, "failed")) return(list(error = f$error, warnings = out$warnings))
  r <- f$r
  list(
    names = arr(colnames(f$loadings)),
    loadings = mat(f$loadings),
    communality = arr(f$communality),
    communalities = arr(f$communalities),
    uniquenesses = arr(f$uniquenesses),
    Phi = if (is.null(f$Phi)) NULL else mat(f$Phi),
    values = arr(f$values),
    e_values = arr(f$e.values),
    objective = f$objective,
    minres_value = if (fm == "minres") minres_value(1 - f$communalities, r, nf) else NULL,
    n_obs = f$n.obs,
    STATISTIC = if (is.null(f$STATISTIC)) NA else f$STATISTIC,
    dof = f$dof,
    PVAL = if (is.null(f$PVAL)) NA else f$PVAL,
    RMSEA = if (is.null(f$RMSEA)) NULL else arr(f$RMSEA[1:3]),
    TLI = if (is.null(f$TLI)) NA else f$TLI,
    BIC = if (is.null(f$BIC)) NA else f$BIC,
    rms = f$rms, crms = f$crms, fit = f$fit, fit_off = f$fit.off,
    warnings = out$warnings, messages = out$messages)
}

alpha_block <- function(x) {
  out <- caught(psych::alpha(x, check.keys = FALSE, warnings = FALSE))
  a <- out$value
  C <- cov(x, use = "pairwise")
  R <- cov2cor(C)
  list(
    items = arr(colnames(x)),
    cov2cor = mat(R),
    eigen_cov2cor = arr(eigen(R, symmetric = TRUE)$values),
    smc_cov2cor = arr(smc(R)),
    raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, G6 = a$total[["G6(smc)"]],
    average_r = a$total$average_r,
    r_cor = arr(a$item.stats$r.cor), std_r = arr(a$item.stats$std.r), r_drop = arr(a$item.stats$r.drop),
    G6_if_deleted = arr(a$alpha.drop[["G6(smc)"]]),
    raw_alpha_if_deleted = arr(a$alpha.drop$raw_alpha),
    warnings = out$warnings, messages = out$messages)
}

# =============================================================================
# pairwise.json
# =============================================================================
tf <- read.csv(file.path(here, "bfi_three_form.csv"))
items <- c("N1", "N2", "N3", "N4", "N5", "O1", "O2", "O3", "O4", "O5")
x <- tf[, items]
r <- cor(x, use = "pairwise")
npw <- pairwiseCount(x)
n_min <- min(npw)
sm <- caught(cor.smooth(r))
km <- caught(KMO(x))

pw <- list(
  meta = list(
    R = R.version.string, psych = as.character(packageVersion("psych")),
    GPArotation = as.character(packageVersion("GPArotation")),
    data = "bfi_three_form.csv", items = arr(items), n_rows = nrow(x), n_complete = sum(complete.cases(x)),
    n_pairwise_min = n_min),
  cor = mat(r),
  eigen = arr(eigen(r, symmetric = TRUE)$values),
  n_pairwise = mat(npw),
  cor_smooth = list(matrix = mat(sm$value), warnings = sm$warnings),
  smc = arr(smc(r)),
  kmo = list(MSA = km$value$MSA, MSAi = arr(km$value$MSAi), warnings = km$warnings, messages = km$messages),
  alpha_neuroticism = alpha_block(x[, items[1:5]]),
  # KMO of cov2cor(cov(use = "pairwise")) of N1-N5: its inverse has a negative diagonal
  kmo_neuroticism_cov2cor = local({
    k <- caught(KMO(cov2cor(cov(x[, items[1:5]], use = "pairwise"))))
    list(MSA = k$value$MSA, MSAi = arr(k$value$MSAi), warnings = k$warnings, messages = k$messages)
  }),
  alpha_all = alpha_block(x),
  # extraction on the raw data (psych: cor(use = "pairwise"), n.obs = rows), and the same models on
  # the matrix with n.obs = the smallest pairwise count (the n servqual uses under pairwise deletion)
  fa_minres_2 = fa_block(x, 2, "minres"),
  fa_minres_2_matrix = fa_block(r, 2, "minres", n.obs = n_min),
  fa_minres_1_matrix = fa_block(r, 1, "minres", n.obs = n_min),
  fa_pa_2_matrix = fa_block(r, 2, "pa", n.obs = n_min),
  fa_ml_2 = fa_block(x, 2, "ml")
)
set.seed(42)
par <- caught(fa.parallel(x, fm = "minres", fa = "both", n.iter = 2, plot = FALSE))
pw$parallel <- list(fa_values = arr(par$value$fa.values), pc_values = arr(par$value$pc.values))
om2 <- caught(omega(x, nfactors = 2, fm = "minres", plot = FALSE))
o <- om2$value
pw$omega_2 <- list(omega_h = o$omega_h, omega_tot = o$omega.tot, omega_lim = o$omega.lim, alpha = o$alpha,
                   G6 = o$G6, sl = mat(o$schmid$sl), sl_rows = arr(rownames(o$schmid$sl)),
                   sl_cols = arr(colnames(o$schmid$sl)), warnings = om2$warnings)
om1 <- caught(omega(x, nfactors = 1, fm = "minres", plot = FALSE))
pw$omega_1 <- list(omega_tot = om1$value$omega.tot, alpha = om1$value$alpha, G6 = om1$value$G6)
writeLines(to_json(pw), file.path(here, "pairwise.json"))

# =============================================================================
# heywood.json: one-factor minres (and ml) solutions with a communality above 1
# =============================================================================
data_file <- c(
  holzinger = "holzinger_swineford_1939/HolzingerSwineford1939.csv",
  bfi = "bfi_big_five_sapa/bfi.csv",
  mobi = "ecsi_mobile_phone_mobi/mobi.csv")
cases <- list(
  list(data = "holzinger", items = c("x3", "x4", "x5", "x7"), fm = "minres"),
  list(data = "bfi", items = c("E5", "N2", "N4"), fm = "minres"),
  list(data = "mobi", items = c("CUSL2", "PERQ2", "PERQ6"), fm = "minres"),
  list(data = "holzinger", items = c("x1", "x3", "x5"), fm = "minres"),
  list(data = "bfi", items = c("C2", "C4", "E1", "N5"), fm = "minres"),
  list(data = "holzinger", items = c("x3", "x4", "x5", "x7"), fm = "ml")
)
hey <- lapply(cases, function(cs) {
  d <- read.csv(file.path(root, "src", "servqual", "_data", data_file[[cs$data]]))[, cs$items]
  d <- d[complete.cases(d), ]
  rr <- cor(d)
  b <- fa_block(rr, 1, cs$fm, n.obs = nrow(d))
  c(list(data = cs$data, items = arr(cs$items), fm = cs$fm, n = nrow(d)), b)
})
writeLines(to_json(hey), file.path(here, "heywood.json"))
cat("wrote pairwise.json and heywood.json\n")
