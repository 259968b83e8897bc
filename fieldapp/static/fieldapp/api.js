// Shared helpers: translated strings, the DOM, and the REST API with the saved token.
"use strict";

export const strings = JSON.parse(document.getElementById("i18n").textContent);
export const TOKEN_KEY = "safegrid.token";
export const isChinese = document.documentElement.lang.startsWith("zh");

export function $(id) { return document.getElementById(id); }
export function say(text) { $("status").textContent = text || ""; }

/** Make an element with a class and text; keeps DOM building short and XSS-free. */
export function el(tag, { cls, text, attrs } = {}) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

/** A category's name in the page's language (the API sends both). */
export function categoryName(category) {
  return (isChinese ? category.name_zh : category.name_en) || category.name_zh || category.code;
}

export function statusWords(status) { return strings["st_" + status] || status; }

/** An HTTP answer that is not 2xx; `offline` errors are thrown by fetch itself. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || String(status));
    this.status = status;
    this.body = body;
  }
}

/** True when the request never reached the server (no signal, airplane mode). */
export function isNetworkError(error) { return !(error instanceof ApiError); }

export async function api(path, options = {}) {
  const token = localStorage.getItem(TOKEN_KEY);
  const headers = Object.assign({}, options.headers || {});
  // FormData bodies set their own multipart boundary; JSON needs the header.
  if (options.body && !(options.body instanceof FormData)) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = "Token " + token;
  const response = await fetch("/api/v1/" + path, Object.assign({}, options, { headers, credentials: "omit" }));
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export function postJson(path, data) {
  return api(path, { method: "POST", body: JSON.stringify(data || {}) });
}

/** Photos are served only with the token, so an <img src> cannot load them directly. */
export async function loadImage(url, img) {
  const token = localStorage.getItem(TOKEN_KEY);
  const response = await fetch(url, { headers: { Authorization: "Token " + token }, credentials: "omit" });
  if (response.ok) img.src = URL.createObjectURL(await response.blob());
}

/** The "message" of an API error, with field errors added (the shared error format). */
export function errorText(error) {
  if (isNetworkError(error)) return strings.offline;
  const fields = (error.body && error.body.fields) || {};
  const details = Object.values(fields).flat().join(" ");
  return details ? error.message + " " + details : error.message;
}

/**
 * GET with a copy kept in localStorage: when there is no signal the last answer is used,
 * so the app still opens and the report form still has its categories outdoors.
 */
export async function cachedGet(path) {
  const key = "safegrid.cache." + path;
  try {
    const body = await api(path);
    localStorage.setItem(key, JSON.stringify(body));
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
