# Reference outputs of R psych and lavaan on the SFO 2017 customer survey (bundled data set `sfo`):
# the statistics servqual computes on routed survey data with "not applicable" answers.
# Run from the repository root:  Rscript tests/reference/sfo/make_reference.R
# Codes as in surveys/sfo_customer_survey_2017.yaml: on the rating items 0 = blank, 6 = not applicable,
# both missing; Q9ALL (overall cleanliness) is the topic-overall item, kept out of the dimension.
suppressPackageStartupMessages({library(psych); library(lavaan); library(jsonlite)})
raw <- read.csv("data/sfo_customer_survey_2017/sfo_customer_survey_2017.csv", stringsAsFactors = FALSE)
dims <- list(
  facilities = c("Q7ART", "Q7FOOD", "Q7STORE", "Q7SIGN", "Q7WALKWAYS", "Q7SCREENS", "Q7INFODOWN", "Q7INFOUP",
                 "Q7WIFI", "Q7ROADS", "Q7PARK", "Q7AIRTRAIN", "Q7LTPARKING", "Q7RENTAL"),
  cleanliness = c("Q9BOARDING", "Q9AIRTRAIN", "Q9RENTAL", "Q9FOOD", "Q9RESTROOM"),
  ease = c("Q13GETRATE", "Q14FIND", "Q14PASSTHRU"))
items <- unlist(dims, use.names = FALSE)
x <- as.data.frame(lapply(raw[items], function(v) { v <- as.numeric(v); v[v %in% c(0, 6)] <- NA; v }))
mat <- function(m) list(row_names = rownames(m), col_names = colnames(m), data = unname(as.matrix(m)))
out <- list(meta = list(psych = as.character(packageVersion("psych")), lavaan = as.character(packageVersion("lavaan")),
                        n_rows = nrow(x), items = items, n_complete = sum(complete.cases(x))))
# per item on available cases
out$items <- list(n = unname(colSums(!is.na(x))), mean = unname(colMeans(x, na.rm = TRUE)),
                  sd = unname(sapply(x, sd, na.rm = TRUE)))
# pairwise correlations, their eigenvalues, psych's smoothing and KMO
r <- cor(x, use = "pairwise")
out$pairwise <- list(r = mat(r), eigen = eigen(r, symmetric = TRUE, only.values = TRUE)$values,
                     n_pairs = mat(crossprod(!is.na(as.matrix(x)))))
rs <- cor.smooth(r)
out$smoothed <- list(r = mat(rs), eigen = eigen(rs, symmetric = TRUE, only.values = TRUE)$values)
k <- KMO(r)
out$kmo <- list(overall = k$MSA, items = unname(k$MSAi))
out$smc <- unname(smc(r))
# alpha within each dimension: the rows that answered every item of the dimension
out$alpha <- list()
for (d in names(dims)) {
  xd <- na.omit(x[dims[[d]]])
  a <- psych::alpha(xd, warnings = FALSE)
  out$alpha[[d]] <- list(n = nrow(xd), raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
                         G6 = a$total[["G6(smc)"]], r_drop = unname(a$item.stats$r.drop),
                         alpha_if_deleted = unname(a$alpha.drop$raw_alpha), mean = a$total$mean, sd = a$total$sd)
}
# the three-factor CFA with full-information ML (missing = "ml") on every row with an answer
model <- paste(sapply(names(dims), function(d) paste(d, "=~", paste(dims[[d]], collapse = " + "))), collapse = "\n")
xf <- x[rowSums(!is.na(x)) > 0, ]
fit <- cfa(model, data = xf, missing = "ml", std.lv = FALSE)
pe <- parameterEstimates(fit, standardized = TRUE)
pe <- pe[pe$op %in% c("=~", "~~"), ]
fm <- fitMeasures(fit, c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "logl", "aic", "bic", "ntotal"))
out$cfa_fiml <- list(model = model, n = nrow(xf), fit = as.list(fm),
                     est = list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se, std_all = pe$std.all))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = FALSE), "tests/reference/sfo/sfo.json")
cat("written tests/reference/sfo/sfo.json\n")
