# Turns the samples (workload, system, rep, microseconds) into the medians table and the
# target check. Sourced by bench/run.sh. mawk-compatible awk (Debian's default).

# medians SAMPLES: "workload<TAB>system<TAB>median_us|fail", one line per pair.
medians() {
  sort -t$'\t' -k1,1 -k2,2 -k4,4n "$1" | awk -F'\t' '
    function flush() {
      if (key == "") return
      if (bad) m = "fail"
      else if (n % 2) m = v[(n + 1) / 2]
      else m = (v[n / 2] + v[n / 2 + 1]) / 2
      print key "\t" m
    }
    { k = $1 "\t" $2 }
    k != key { flush(); key = k; n = 0; bad = 0 }
    { if ($4 == "fail") bad = 1; else v[++n] = $4 }
    END { flush() }'
}

# table MEDIANS LABELS SYSTEMS...: the markdown table of medians (ms) with ratios.
# LABELS holds "workload<TAB>label" lines in row order.
table() {
  local medians=$1 labels=$2
  shift 2
  awk -F'\t' -v systems="$*" '
    function ms(us) { return us < 10000 ? sprintf("%.2f", us / 1000) : us < 100000 ? sprintf("%.1f", us / 1000) : sprintf("%.0f", us / 1000) }
    function has(w, s) { return ((w SUBSEP s) in med) && med[w, s] != "fail" }
    function ratio(w, a, b) { return has(w, a) && has(w, b) && med[w, b] > 0 ? sprintf("%.2f", med[w, a] / med[w, b]) : "n/a" }
    FILENAME == ARGV[1] { med[$1, $2] = $3; next }
    FNR == 1 {
      ns = split(systems, sys, " ")
      head = "| workload |"; rule = "|---|"
      for (i = 1; i <= ns; i++) { head = head " " sys[i] (sys[i] == "raw" ? " ms" : " ms (x raw)") " |"; rule = rule "---:|" }
      prev = index(" " systems " ", " previous ") > 0
      print head " LD/fuse-overlayfs | LD/passthrough | LD/kernel |" (prev ? " LD/previous |" : "")
      print rule "---:|---:|---:|" (prev ? "---:|" : "")
    }
    {
      w = $1; line = "| " $2 " |"
      for (i = 1; i <= ns; i++) {
        s = sys[i]
        if (!((w SUBSEP s) in med)) cell = "-"
        else if (med[w, s] == "fail") cell = "fail"
        else if (s == "raw") cell = ms(med[w, s])
        else cell = ms(med[w, s]) " (" ratio(w, s, "raw") ")"
        line = line " " cell " |"
      }
      print line " " ratio(w, "layerdeck", "fuse-overlayfs") " | " ratio(w, "layerdeck", "passthrough") " | " ratio(w, "layerdeck", "kernel") " |" (prev ? " " ratio(w, "layerdeck", "previous") " |" : "")
    }' "$medians" "$labels"
}

# targets MEDIANS LABELS: the issue-2 targets, each met or missed, from the same medians.
# Ratios are LayerDeck time / other time: lower is better for LayerDeck.
targets() {
  awk -F'\t' '
    function check(w, other, limit, goal,   r) {
      if (!(((w SUBSEP "layerdeck") in med) && ((w SUBSEP other) in med))) return
      if (med[w, "layerdeck"] == "fail" || med[w, other] == "fail") { r = "n/a"; verdict = "**no data**" }
      else { r = med[w, "layerdeck"] / med[w, other]; verdict = r <= limit ? "met" : "**missed**"; r = sprintf("%.2f", r) }
      printf "| %s | %s | LD/%s = %s | <= %.2f | %s |\n", goal, label[w], other, r, limit, verdict
    }
    FILENAME == ARGV[1] { med[$1, $2] = $3; next }
    { label[$1] = $2; order[++n] = $1 }
    END {
      print "| target | workload | ratio | limit | result |"
      print "|---|---|---:|---:|---|"
      for (i = 1; i <= n; i++) check(order[i], "passthrough", 1.25, "within 25% of passthrough")
      split("read-cold read-warm find create delete", a, " ")
      for (i = 1; i <= 5; i++) check(a[i], "fuse-overlayfs", 1.00, ">= fuse-overlayfs")
      split("write-fsync sed-i", a, " ")
      for (i = 1; i <= 2; i++) check(a[i], "fuse-overlayfs", 1.25, ">= 0.8x fuse-overlayfs")
      check("copy-up", "kernel", 1.50, "copy-up within 1.5x kernel")
    }' "$1" "$2"
}
