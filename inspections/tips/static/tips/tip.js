// The whistleblower's page. It stores nothing in the browser: no cookie, no local or
// session storage, no IndexedDB, no service worker or cache. Every request goes to this
// site only, without credentials or referrer. Photos are re-encoded through a canvas
// before upload, which leaves their EXIF, GPS and other metadata behind.
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("tip-strings").textContent);
  const $ = (id) => document.getElementById(id);
  const state = { enterprise: null, receipt: null };

  function request(path, options) {
    return fetch(path, Object.assign({ credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" }, options));
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
  }

  function show(el, text) {
    el.textContent = text;
    el.hidden = !text;
  }

  async function errorText(response) {
    if (response.status === 404) return T.notFound;
    if (response.status === 429) return T.throttled;
    try {
      const body = await response.json();
      return body.message || T.failed;
    } catch (e) {
      return T.failed;
    }
  }

  // --- photos: draw on a canvas, export a fresh JPEG (no metadata survives) ----------
  async function cleanPhoto(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
    return new File([blob], "photo.jpg", { type: "image/jpeg" });
  }

  async function cleanFiles(input) {
    const cleaned = [];
    for (const file of Array.from(input.files)) {
      if (file.type.startsWith("image/")) {
        try {
          cleaned.push(await cleanPhoto(file));
        } catch (e) {
          throw new Error(T.photoFailed);
        }
      } else {
        cleaned.push(new File([file], "document.txt", { type: "text/plain" }));
      }
    }
    return cleaned;
  }

  // --- the form's choices --------------------------------------------------------------
  async function loadOptions() {
    const response = await request("/api/v1/tips/options/");
    if (!response.ok) return;
    const options = await response.json();
    for (const category of options.categories) {
      $("category").append(new Option(category.name, category.code));
    }
    $("district").append(new Option("—", ""));
    for (const district of options.districts) {
      $("district").append(new Option(district.name, district.id));
    }
  }

  let searchTimer = null;
  $("enterprise-search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(searchEnterprises, 250);
  });

  async function searchEnterprises() {
    const text = $("enterprise-search").value.trim();
    const list = $("enterprise-results");
    list.replaceChildren();
    if (text.length < 2) return;
    const response = await request("/api/v1/tips/enterprises/?search=" + encodeURIComponent(text));
    const rows = response.ok ? await response.json() : [];
    if (!rows.length) {
      const item = document.createElement("li");
      item.textContent = T.noResults;
      list.append(item);
      return;
    }
    for (const row of rows) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${row.name} · ${row.address || row.district}`;
      button.addEventListener("click", () => chooseEnterprise(row));
      item.append(button);
      list.append(item);
    }
  }

  function chooseEnterprise(row) {
    state.enterprise = row.id;
    $("enterprise-results").replaceChildren();
    show($("enterprise-chosen"), format(T.chosen, { name: row.name }));
  }

  // --- submit --------------------------------------------------------------------------
  $("submit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("submit-button");
    show($("submit-error"), "");
    button.disabled = true;
    button.textContent = T.sending;
    try {
      const form = new FormData();
      form.append("category", $("category").value);
      form.append("description", $("description").value);
      if (state.enterprise) {
        form.append("enterprise", state.enterprise);
      } else {
        form.append("enterprise_name", $("enterprise-name").value);
        form.append("enterprise_address", $("enterprise-address").value);
        form.append("district", $("district").value);
      }
      form.append("contact_name", $("contact-name").value);
      form.append("contact_phone", $("contact-phone").value);
      for (const file of await cleanFiles($("files"))) form.append("files", file);
      const response = await request("/api/v1/tips/", { method: "POST", body: form });
      if (!response.ok) {
        show($("submit-error"), await errorText(response));
        return;
      }
      const body = await response.json();
      $("submit-form").reset();
      $("submit-form").hidden = true;
      $("receipt").textContent = body.receipt;
      $("receipt-box").hidden = false;
    } catch (e) {
      show($("submit-error"), e.message || T.failed);
    } finally {
      button.disabled = false;
      button.textContent = T.send;
    }
  });

  $("receipt-done").addEventListener("click", () => {
    // The receipt leaves the page: it was only ever in this element.
    $("receipt").textContent = "";
    $("receipt-box").hidden = true;
    $("submit-form").hidden = false;
    state.enterprise = null;
    show($("enterprise-chosen"), "");
    openTab("follow");
  });

  // --- follow up -----------------------------------------------------------------------
  function render(tip) {
    $("tip-status").textContent = tip.status_label;
    $("tip-enterprise").textContent = tip.enterprise;
    $("tip-category").textContent = tip.category;
    $("tip-received").textContent = format(T.received, { day: tip.received_on });
    $("tip-deadlines").textContent = format(T.deadlines, { ack: tip.acknowledge_due_on, feedback: tip.feedback_due_on });
    const list = $("messages");
    list.replaceChildren();
    if (!tip.messages.length) {
      const item = document.createElement("li");
      item.textContent = T.noMessages;
      list.append(item);
    }
    for (const message of tip.messages) {
      const item = document.createElement("li");
      item.className = message.from_whistleblower ? "mine" : "theirs";
      const who = document.createElement("strong");
      who.textContent = `${message.from_whistleblower ? T.from_whistleblower : T.from_handler} · ${message.on}`;
      const body = document.createElement("p");
      body.textContent = message.body;
      item.append(who, body);
      list.append(item);
    }
    $("reward").hidden = tip.reward !== "available";
    $("reply-form").hidden = tip.status === "closed";
    $("tip-view").hidden = false;
  }

  $("follow-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    show($("follow-error"), "");
    const receipt = $("receipt-input").value;
    const response = await request("/api/v1/tips/follow-up/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ receipt }),
    });
    if (!response.ok) {
      $("tip-view").hidden = true;
      show($("follow-error"), await errorText(response));
      return;
    }
    state.receipt = receipt;
    render(await response.json());
  });

  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    show($("reply-error"), "");
    try {
      const form = new FormData();
      form.append("receipt", state.receipt);
      form.append("body", $("reply-body").value);
      for (const file of await cleanFiles($("reply-files"))) form.append("files", file);
      const response = await request("/api/v1/tips/reply/", { method: "POST", body: form });
      if (!response.ok) {
        show($("reply-error"), await errorText(response));
        return;
      }
      $("reply-form").reset();
      render(await response.json());
    } catch (e) {
      show($("reply-error"), e.message || T.failed);
    }
  });

  $("reward-collect").addEventListener("click", async () => {
    const response = await request("/api/v1/tips/reward/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ receipt: state.receipt }),
    });
    if (!response.ok) return;
    $("voucher").textContent = (await response.json()).voucher;
    $("voucher").hidden = false;
    $("voucher-note").hidden = false;
    $("reward-collect").hidden = true;
  });

  // --- tabs ----------------------------------------------------------------------------
  function openTab(name) {
    $("submit").hidden = name !== "submit";
    $("follow").hidden = name !== "follow";
    $("tab-submit").classList.toggle("active", name === "submit");
    $("tab-follow").classList.toggle("active", name === "follow");
  }
  $("tab-submit").addEventListener("click", () => openTab("submit"));
  $("tab-follow").addEventListener("click", () => openTab("follow"));

  loadOptions();
})();
