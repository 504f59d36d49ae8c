#!/usr/bin/env python3
"""Builds src/feedback/lexicon/zh.learned.tsv, the learned part of the Chinese sentiment lexicon.

Reads labelled reviews (a CSV with columns cat,label,review; label 1 positive, 0 negative), keeps
only the categories named by --train, and writes the character n-grams (2 to 4 Chinese characters)
that separate positive from negative reviews in most of those categories:

  * per category, the document frequency of the n-gram among positive and among negative reviews,
    as a smoothed log ratio of the two rates (so a category's class balance does not matter);
  * kept when it occurs in at least --min-docs reviews, when its log ratio has the same sign in
    at least --min-cats categories (where it occurs at least three times), and when the mean
    log ratio over the categories is at least --min-weight in size;
  * n-grams holding a negator (不 没 无 未 别 非) are left out, so that negation stays the
    scorer's rule and never a memorised phrase; so are those that begin or end with a function
    word or a degree adverb;
  * an n-gram is dropped when a shorter one inside it is kept with a weight of the same sign
    within 0.6 of its own (it adds nothing the shorter one does not say), and when the
    hand-written lexicon (zh.tsv) or the modifiers already hold it.

The weight written is the mean log ratio, scaled by --scale and clipped to [-3, 3]. The output
holds only n-grams and weights, never review text. Deterministic for a given input.
"""
import argparse
import collections
import csv
import math
import re
import sys

NEGATORS = set("不没无未别非")
EDGE = set("的了是和与在也都就又很太超挺最更真特十极蛮比还有着过么吗呢吧啊呀哦个这那我你他她它们就把被给让")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def ngrams(text, low=2, high=4):
    seen = set()
    for run in CJK_RUN.findall(text):
        for n in range(low, high + 1):
            for i in range(len(run) - n + 1):
                g = run[i:i + n]
                if g[0] in EDGE or g[-1] in EDGE or any(ch in NEGATORS for ch in g):
                    continue
                seen.add(g)
    return seen


def read_terms(path):
    terms = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            terms.add(line.split("\t", 1)[0])
    return terms


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reviews", required=True, help="online_shopping_8_cats.csv")
    ap.add_argument("--train", required=True, help="comma-separated categories to build from")
    ap.add_argument("--hand", required=True, help="the hand-written zh.tsv")
    ap.add_argument("--modifiers", required=True, help="modifiers.tsv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--min-docs", type=int, default=40)
    ap.add_argument("--min-cats", type=int, default=3)
    ap.add_argument("--min-weight", type=float, default=1.0)
    ap.add_argument("--scale", type=float, default=0.8)
    args = ap.parse_args()

    train = args.train.split(",")
    docs = {c: [0, 0] for c in train}  # [negative, positive] reviews per category
    df = collections.defaultdict(lambda: {c: [0, 0] for c in train})
    with open(args.reviews, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            cat = row["cat"]
            if cat not in docs:
                continue
            label = int(row["label"])
            docs[cat][label] += 1
            for g in ngrams(row["review"]):
                df[g][cat][label] += 1

    known = read_terms(args.hand) | read_terms(args.modifiers)
    kept = {}
    for g, per_cat in df.items():
        total = sum(n + p for n, p in per_cat.values())
        if total < args.min_docs or g in known:
            continue
        ratios = []
        for cat, (neg, pos) in per_cat.items():
            n_neg, n_pos = docs[cat]
            ratios.append((neg + pos, math.log((pos + 0.5) / (n_pos + 1)) - math.log((neg + 0.5) / (n_neg + 1))))
        weight = sum(r for _, r in ratios) / len(ratios)
        if abs(weight) < args.min_weight:
            continue
        agreeing = sum(1 for count, r in ratios if count >= 3 and (r > 0) == (weight > 0))
        if agreeing < args.min_cats:
            continue
        kept[g] = weight

    out = {}
    for g in sorted(kept, key=lambda t: (len(t), t)):
        w = kept[g]
        redundant = False
        for n in range(2, len(g)):
            for i in range(len(g) - n + 1):
                sub = g[i:i + n]
                if sub in out and (out[sub] > 0) == (w > 0) and abs(kept[sub] - w) < 0.6:
                    redundant = True
        if not redundant:
            out[g] = w

    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# Chinese sentiment n-grams learned from labelled shop reviews by bench/feedback/build_lexicon.py\n")
        f.write("# (see README.md in this folder). Built from the categories: %s.\n" % ", ".join(train))
        f.write("# options: --min-docs %d --min-cats %d --min-weight %g --scale %g\n"
                % (args.min_docs, args.min_cats, args.min_weight, args.scale))
        f.write("# term<TAB>weight\n")
        for g in sorted(out, key=lambda t: (-abs(out[t]), t)):
            w = max(-3.0, min(3.0, out[g] * args.scale))
            f.write("%s\t%.1f\n" % (g, w))
    print("%d n-grams written to %s" % (len(out), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
