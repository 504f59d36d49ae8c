#!/usr/bin/env bash
# Accuracy of the shipped sentiment scorer beside the majority-class baseline (see README.md).
#   bench/feedback/evaluate.sh [REVIEWS_DIR]   (default: /work/shared/data/reviews)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${ECRM_BUILD_DIR:-$here/../../build}
reviews=${1:-/work/shared/data/reviews}
flock /tmp/ecrm-build.lock ninja -C "$build" bench_feedback_sentiment_eval >/dev/null
eval_bin=$build/bench/feedback/bench_feedback_sentiment_eval
echo "== Held out: categories the learned lexicon was not built from =="
"$eval_bin" --only 计算机,洗发水,蒙牛,热水器 "$reviews/online_shopping_8_cats.csv"
echo
"$eval_bin" "$reviews/waimai_10k.csv"
echo
echo "== Built from (not a fair test; for comparison) =="
"$eval_bin" --only 书籍,手机,水果,衣服 "$reviews/online_shopping_8_cats.csv"
echo
echo "== English, hand-labelled (en_labelled.csv) =="
"$eval_bin" "$here/en_labelled.csv"
