// Shared helpers: translated strings, the DOM, dates, and the REST API with the saved token.
"use strict";

export const strings = JSON.parse(document.getElementById("i18n").textContent);
export const TOKEN_KEY = "safegrid.token";
export const isChinese = document.documentElement.lang.startsWith("zh");

export function $(id) { return document.getElementById(id); }

/** A translated string with %(name)s placeholders filled in. */
export function t(key, values = {}) {
  let text = strings[key] || key;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll("%(" + name + ")s", String(value));
  return text;
}

/** Make an element with a class, text and attributes; keeps DOM building short and XSS-free. */
export function el(tag, { cls, text, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** A category's name in the page's language (the API sends both). */
export function categoryName(category) {
  if (!category) return "";
  return (isChinese ? category.name_zh : category.name_en) || category.name_zh || category.code;
}

/** A name the API sends in both languages (rewards, categories' guidance). */
export function localized(row, field) {
  return (isChinese ? row[field + "_zh"] : row[field + "_en"]) || row[field + "_zh"] || row[field] || "";
}

export function statusWords(status) { return strings["st_" + status] || strings.st_unknown; }

const TIME_ZONE = "Asia/Shanghai";
export function formatDate(iso, withTime = true) {
  if (!iso) return "";
  const options = withTime
    ? { timeZone: TIME_ZONE, year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" }
    : { timeZone: TIME_ZONE, year: "numeric", month: "long", day: "numeric" };
  return new Date(iso).toLocaleString(isChinese ? "zh-CN" : "en-GB", options);
}

/** An HTTP answer that is not 2xx; `offline` errors are thrown by fetch itself. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || String(status));
    this.status = status;
    this.body = body || {};
  }
}

/** True when the request never reached the server (no signal, airplane mode). */
export function isNetworkError(error) { return !(error instanceof ApiError); }

export function token() { return localStorage.getItem(TOKEN_KEY); }

/**
 * Call the API with the saved token. A 401 while signed in means the session expired or
 * was revoked: the token is dropped and "session-expired" fired (the outbox stays).
 */
export async function api(path, options = {}) {
  const saved = token();
  const headers = Object.assign({}, options.headers || {});
  // FormData bodies set their own multipart boundary; JSON needs the header.
  if (options.body && !(options.body instanceof FormData)) headers["Content-Type"] = "application/json";
  if (saved) headers.Authorization = "Token " + saved;
  const url = path.startsWith("/") || path.startsWith("http") ? path : "/api/v1/" + path;
  const response = await fetch(url, Object.assign({}, options, { headers, credentials: "omit" }));
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && saved) {
      localStorage.removeItem(TOKEN_KEY);
      document.dispatchEvent(new CustomEvent("session-expired"));
    }
    throw new ApiError(response.status, body);
  }
  return body;
}

export function postJson(path, data, headers) {
  return api(path, { method: "POST", body: JSON.stringify(data || {}), headers });
}

/** Photos are served only with the token, so an <img src> cannot load them directly. */
export async function loadImage(url, img) {
  const response = await fetch(url, { headers: { Authorization: "Token " + token() }, credentials: "omit" });
  if (response.ok) img.src = URL.createObjectURL(await response.blob());
}

/**
 * GET with a copy kept in localStorage: when there is no signal the last answer is used,
 * so the app still opens outdoors with its categories and the lists seen last.
 */
export async function cachedGet(path) {
  const key = "safegrid.cache." + path;
  try {
    const body = await api(path);
    try { localStorage.setItem(key, JSON.stringify(body)); } catch (full) { /* quota: just not cached */ }
    return body;
  } catch (error) {
    const copy = localStorage.getItem(key);
    if (isNetworkError(error) && copy) return JSON.parse(copy);
    throw error;
  }
}

/** Forget cached answers (on sign-out: the next user must not see them). */
export function clearCache() {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith("safegrid.cache.")) localStorage.removeItem(key);
  }
}
