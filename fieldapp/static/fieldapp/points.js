// Safety points: balance and history, the rewards of my community, redeeming (through the
// outbox, with its idempotency key), my vouchers with a QR code to show, cancelling.
"use strict";

import { $, cachedGet, el, formatDate, localized, strings, t } from "./api.js";
import { refusalText, say } from "./messages.js";
import { enqueue, flushOutbox, outboxAll } from "./outbox.js";
import { pagedList } from "./lists.js";
import { go, route } from "./router.js";

route("/points", { section: "points", title: () => strings.pointsTitle, enter: showPoints });
route("/rewards", { section: "rewards", title: () => strings.rewardsTitle, enter: showRewards });
route("/vouchers", { section: "vouchers", title: () => strings.vouchersTitle, enter: showVouchers });
route("/vouchers/:code", { section: "voucher", title: () => strings.voucherTitle, enter: ({ code }) => showVoucher(code) });

function link(path, text, attrs = {}) {
  const a = el("a", { cls: "open", text, attrs: { href: path, ...attrs } });
  a.addEventListener("click", (event) => { event.preventDefault(); go(path); });
  return a;
}

export async function balance() { return (await cachedGet("points/balance/")).balance; }

async function showPoints() {
  $("points-balance").textContent = t("pointsBalance", { points: await balance() });
  await pagedList($("points-history"), "points/history/", {
    card: (entry) => el("li", { cls: "card" },
      el("strong", { text: (entry.amount > 0 ? "+" : "") + entry.amount + " · " + (entry.reason || strings["entry_" + entry.kind] || "") }),
      el("span", { cls: "meta", text: formatDate(entry.created_at) + " · " + t("balanceAfter", { points: entry.balance_after }) })),
  });
}

async function showRewards() {
  const points = await balance();
  $("rewards-balance").textContent = t("pointsBalance", { points });
  await pagedList($("rewards-list"), "rewards/", {
    empty: strings.noRewards,
    card: (reward) => {
      const button = el("button", { cls: "primary", text: t("redeemFor", { points: reward.cost }), attrs: { type: "button", "data-redeem": reward.id } });
      if (reward.cost > points) { button.disabled = true; button.textContent = t("needPoints", { points: reward.cost }); }
      button.addEventListener("click", () => redeem(reward, button));
      return el("li", { cls: "card" }, el("strong", { text: localized(reward, "name") }), el("p", { text: reward.description }), button);
    },
  });
}

async function redeem(reward, button) {
  button.disabled = true;
  const item = await enqueue("reward.redeem", { payload: { reward: reward.id, name: localized(reward, "name") } });
  say(strings.sending);
  const sent = await flushOutbox();
  if (sent.has(item.uuid)) {
    await go("/vouchers/" + encodeURIComponent(sent.get(item.uuid).code));
    say(strings.redeemed);
    return;
  }
  const waiting = (await outboxAll()).find((one) => one.uuid === item.uuid);
  if (waiting && waiting.error) { say(refusalText({ status: waiting.error.status, body: waiting.error.body }), "error"); button.disabled = false; }
  else say(strings.redeemKept);
}

async function showVouchers() {
  await pagedList($("vouchers-list"), "vouchers/", {
    empty: strings.noVouchers,
    card: (voucher) => el("li", { cls: "card" },
      link("/vouchers/" + encodeURIComponent(voucher.code), localized(voucher.reward, "name"), { "data-voucher": voucher.code }),
      el("span", { cls: "badge", text: strings["voucher_" + voucher.status] || "" }),
      el("span", { cls: "meta", text: t("validUntil", { date: formatDate(voucher.expires_at, false) }) })),
  });
}

async function showVoucher(code) {
  // No code and no QR until this voucher is known: another voucher's stays hidden.
  $("voucher-qr").hidden = true;
  $("voucher-code").textContent = "";
  const voucher = await cachedGet("vouchers/" + encodeURIComponent(code) + "/");
  $("voucher-name").textContent = localized(voucher.reward, "name");
  $("voucher-code").textContent = voucher.code;
  $("voucher-status").textContent = strings["voucher_" + voucher.status] || "";
  $("voucher-until").textContent = t("validUntil", { date: formatDate(voucher.expires_at, false) });
  const qr = $("voucher-qr");
  qr.hidden = voucher.status !== "issued";
  qr.src = voucher.qr_svg;
  qr.alt = t("qrAlt", { code: voucher.code });
  const cancel = $("voucher-cancel");
  const waiting = (await outboxAll()).some((one) => one.kind === "voucher.cancel" && one.payload.code === code);
  cancel.hidden = voucher.status !== "issued" || waiting;
  cancel.onclick = async () => {
    if (!confirm(strings.cancelConfirm)) return;
    await enqueue("voucher.cancel", { payload: { code } });
    const sent = await flushOutbox();
    if (sent.size) { await showVoucher(code); say(strings.cancelled); } else say(strings.cancelKept);
  };
}

