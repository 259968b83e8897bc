"""What to do right now, per seeded category, in Chinese and English.

Shown in the field app as soon as a reporter chooses the category. The demo city and the
migration that added the fields both fill the seeded categories from here; staff edit
them in the admin afterwards.
"""

from __future__ import annotations

SEEDED_GUIDANCE: dict[str, tuple[str, str]] = {
    "fire-exit": (
        "不要自己搬动大件物品；先确认其他出口可以通行，再报告。",
        "Do not move heavy items yourself; check another exit is open, then report.",
    ),
    "gas-leak": (
        "立即离开，不要开关电器、不要打火；到室外拨打燃气抢修电话，有人不适拨打120。",
        "Leave now; do not touch switches or light anything. From outside, call the gas "
        "emergency line; call 120 if anyone feels unwell.",
    ),
    "e-bike-charging": (
        "不要靠近正在冒烟的电池；有明火立即拨打119并离开楼道。",
        "Keep away from a smoking battery; if there are flames, call 119 and leave the corridor.",
    ),
    "wiring": (
        "不要触碰电线，远离积水；提醒邻居不要使用这段电线。",
        "Do not touch the wires and keep away from water; warn neighbours not to use them.",
    ),
    "extinguisher": (
        "记下缺失或过期灭火器的楼层和位置。",
        "Note the floor and place of the missing or expired extinguisher.",
    ),
    "structure": (
        "远离开裂或松动的部位，劝阻他人靠近；有坍塌危险请拨打119。",
        "Stay away from the cracked or loose part and keep others away; if it may "
        "collapse, call 119.",
    ),
    "falling-objects": (
        "不要在下方停留，提醒行人绕行。",
        "Do not stand underneath; ask passers-by to walk around.",
    ),
    "other": (
        "先确保自己安全，再描述看到的情况。",
        "Keep yourself safe first, then describe what you see.",
    ),
}
