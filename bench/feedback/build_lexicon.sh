#!/usr/bin/env bash
# Rebuilds src/feedback/lexicon/zh.learned.tsv from the labelled reviews (see README.md).
#   bench/feedback/build_lexicon.sh [REVIEWS_DIR]   (default: /work/shared/data/reviews)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lexicon=$here/../../src/feedback/lexicon
reviews=${1:-/work/shared/data/reviews}
python3 "$here/build_lexicon.py" --reviews "$reviews/online_shopping_8_cats.csv" \
  --train 书籍,手机,水果,衣服 --hand "$lexicon/zh.tsv" --modifiers "$lexicon/modifiers.tsv" \
  --out "$lexicon/zh.learned.tsv"
