// Hazard cards and lists that load their next cursor page as the user scrolls.
"use strict";

import { api, cachedGet, categoryName, el, formatDate, isNetworkError, statusWords, strings, t } from "./api.js";
import { go } from "./router.js";

export const RISK_WORDS = { red: "riskRed", orange: "riskOrange", yellow: "riskYellow", blue: "riskBlue" };

export function query(path, params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const one of [].concat(value)) search.append(key, one);
  }
  return path + "?" + search.toString();
}

export function hazardCard(hazard) {
  const item = el("li", { cls: "card risk-" + hazard.risk_colour });
  const link = el("a", { cls: "open", attrs: { href: "/hazards/" + hazard.id, "data-hazard": hazard.id } });
  link.append(
    el("strong", { text: categoryName(hazard.category) }),
    el("span", { cls: "meta", text: hazard.number + " · " + strings[RISK_WORDS[hazard.risk_colour]] }),
    el("span", { cls: "badge", text: statusWords(hazard.status) }),
  );
  if (hazard.is_overdue) link.append(el("span", { cls: "overdue", text: t("overdueSince", { date: formatDate(hazard.due_at) }) }));
  else if (hazard.due_at && hazard.status !== "closed") link.append(el("span", { cls: "meta", text: t("dueBy", { date: formatDate(hazard.due_at) }) }));
  if (hazard.address) link.append(el("span", { cls: "meta", text: hazard.address }));
  link.addEventListener("click", (event) => { event.preventDefault(); go("/hazards/" + hazard.id); });
  item.append(link);
  return item;
}

/**
 * Fill `list` (a <ul>) from a cursor-paginated endpoint, the next page when its end comes
 * into view. `seen` (a Set of ids) skips rows another list on the screen already shows.
 * The first page is kept for offline use.
 */
export async function pagedList(list, path, { card = hazardCard, seen = null, empty = strings.empty } = {}) {
  list.replaceChildren();
  // A newer fill of the same list wins; an older one still loading stops adding rows.
  const generation = String(Number(list.dataset.generation || 0) + 1);
  list.dataset.generation = generation;
  let next = path;
  let shown = 0;
  const sentinel = el("li", { cls: "more", attrs: { "aria-hidden": "true" } });
  const load = async () => {
    const page = next === path ? await cachedGet(path) : await api(next);
    if (list.dataset.generation !== generation) { observer.disconnect(); return; }
    next = page.next;
    for (const row of page.results) {
      if (seen && seen.has(row.id)) continue;
      if (seen) seen.add(row.id);
      list.insertBefore(card(row), sentinel);
      shown += 1;
    }
    if (!next) { sentinel.remove(); observer.disconnect(); }
  };
  const observer = new IntersectionObserver(async (entries) => {
    if (!entries.some((entry) => entry.isIntersecting) || !next || list.dataset.loading) return;
    list.dataset.loading = "1";
    try { await load(); } catch (error) { if (!isNetworkError(error)) throw error; } finally { delete list.dataset.loading; }
    if (next) { observer.unobserve(sentinel); observer.observe(sentinel); }  // still in view: load on
  });
  list.append(sentinel);
  await load();
  if (!shown && !next) list.append(el("li", { cls: "empty", text: empty }));
  if (next) observer.observe(sentinel);
  return list;
}
