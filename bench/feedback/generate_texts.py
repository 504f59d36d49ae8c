#!/usr/bin/env python3
"""Writes N synthetic customer texts as a CSV (id,text) for the feedback benchmark.

Chinese (60%) and English (40%) texts of one to four sentences, each an aspect of a product
with an opinion, a degree adverb, sometimes a negation or a contrast, drawn from small
vocabularies with a fixed seed (the same N gives the same file). Not real reviews: they exercise
the scorer, the segmenter and the phrase table at a realistic length (30-120 bytes).
"""
import random
import sys

ZH_ASPECTS = ["电池", "屏幕", "物流", "客服", "包装", "价格", "质量", "外观", "声音", "充电器",
              "摄像头", "系统", "信号", "做工", "颜色", "尺码", "面料", "味道", "发货速度", "售后"]
ZH_GOOD = ["好", "不错", "满意", "清晰", "很快", "漂亮", "耐用", "流畅", "实惠", "给力"]
ZH_BAD = ["差", "慢", "失望", "卡顿", "发热", "坏了", "不耐用", "太贵", "粗糙", "有问题"]
ZH_DEGREE = ["", "很", "非常", "太", "有点", "特别", "比较"]
ZH_FILL = ["用了一个星期，", "昨天收到，", "第二次买了，", "给家里人买的，", "", ""]
EN_ASPECTS = ["battery", "screen", "delivery", "support", "packaging", "price", "quality",
              "design", "sound", "charger", "camera", "software", "signal", "fabric", "size"]
EN_GOOD = ["good", "great", "excellent", "fast", "reliable", "beautiful", "comfortable"]
EN_BAD = ["bad", "terrible", "slow", "disappointing", "broken", "awful", "noisy"]
EN_DEGREE = ["", "very ", "really ", "extremely ", "slightly ", "quite "]


def zh_sentence(rng):
    aspect = rng.choice(ZH_ASPECTS)
    if rng.random() < 0.45:
        opinion = rng.choice(ZH_BAD)
    else:
        opinion = rng.choice(ZH_GOOD)
    if rng.random() < 0.15:
        return "%s%s不%s" % (rng.choice(ZH_FILL), aspect, opinion.lstrip("不"))
    return "%s%s%s%s" % (rng.choice(ZH_FILL), aspect, rng.choice(ZH_DEGREE), opinion)


def en_sentence(rng):
    aspect = rng.choice(EN_ASPECTS)
    opinion = rng.choice(EN_BAD if rng.random() < 0.45 else EN_GOOD)
    if rng.random() < 0.15:
        return "The %s is not %s" % (aspect, opinion)
    return "The %s is %s%s" % (aspect, rng.choice(EN_DEGREE), opinion)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    rng = random.Random(20261204)
    out = sys.stdout
    out.write("id,text\n")
    for i in range(1, n + 1):
        if rng.random() < 0.6:
            parts = [zh_sentence(rng) for _ in range(rng.randint(1, 4))]
            joiner = rng.choice(["，", "。", "，但是"])
            text = joiner.join(parts) + "。"
        else:
            parts = [en_sentence(rng) for _ in range(rng.randint(1, 4))]
            text = rng.choice([", ", ". ", ", but "]).join(parts) + "."
            text = '"%s"' % text
        out.write("%d,%s\n" % (i, text))


if __name__ == "__main__":
    main()
