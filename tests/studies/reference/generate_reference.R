# Regenerates the R did 2.5.0 reference values that tests/studies/test_did.py compares g287 with.
# The frozen outputs live in ../shared/data/mpdta/reference/ (r_did_ref_attgt.csv, r_did_ref_aggte.csv,
# r_did_ref_pretest.csv). Run with: Rscript generate_reference.R OUT_DIR (needs did 2.5.0, DRDID 1.3.0).
library(did)
out <- commandArgs(trailingOnly = TRUE)[1]
data(mpdta)
sim <- read.csv(file.path("..", "..", "..", "..", "shared", "data", "did_vignette_sim", "sim_data.csv"))
scenarios <- list(
  mpdta_nev_dr = list(data = mpdta, y = "lemp", t = "year", id = "countyreal", g = "first.treat",
                      x = ~1, cg = "nevertreated", est = "dr"),
  mpdta_nyt_dr = list(data = mpdta, y = "lemp", t = "year", id = "countyreal", g = "first.treat",
                      x = ~1, cg = "notyettreated", est = "dr"),
  mpdta_nev_reg_cov = list(data = mpdta, y = "lemp", t = "year", id = "countyreal", g = "first.treat",
                           x = ~lpop, cg = "nevertreated", est = "reg"),
  mpdta_nev_ipw = list(data = mpdta, y = "lemp", t = "year", id = "countyreal", g = "first.treat",
                       x = ~1, cg = "nevertreated", est = "ipw"),
  sim_nev_dr = list(data = sim, y = "Y", t = "period", id = "id", g = "G", x = ~X, cg = "nevertreated",
                    est = "dr"))
attgt <- list(); agg <- list(); pre <- list()
for (name in names(scenarios)) {
  s <- scenarios[[name]]
  fit <- att_gt(yname = s$y, tname = s$t, idname = s$id, gname = s$g, xformla = s$x, data = s$data,
                control_group = s$cg, est_method = s$est, bstrap = FALSE, cband = FALSE)
  attgt[[name]] <- data.frame(scenario = name, group = fit$group, t = fit$t, att = fit$att, se = fit$se)
  pre[[name]] <- data.frame(scenario = name, W = fit$W, Wpval = fit$Wpval)
  for (type in c("simple", "group", "dynamic", "calendar")) {
    a <- aggte(fit, type = type, bstrap = FALSE, cband = FALSE)
    egt <- if (type == "simple") NA else a$egt
    agg[[paste(name, type)]] <- data.frame(scenario = name, type = type, egt = egt,
                                           att_egt = if (type == "simple") NA else a$att.egt,
                                           se_egt = if (type == "simple") NA else a$se.egt,
                                           overall_att = a$overall.att, overall_se = a$overall.se)
  }
}
write.csv(do.call(rbind, attgt), file.path(out, "r_did_ref_attgt.csv"), row.names = FALSE)
write.csv(do.call(rbind, agg), file.path(out, "r_did_ref_aggte.csv"), row.names = FALSE)
write.csv(do.call(rbind, pre), file.path(out, "r_did_ref_pretest.csv"), row.names = FALSE)
