// Photos are made smaller on the phone before they wait in the outbox: a 12-megapixel
// camera JPEG (4-6 MB) goes as one of at most 2048 px on its longest side, about 0.5-1 MB.
"use strict";

export const MAX_SIDE = 2048;
// Lower JPEG qualities tried in turn until the photo fits in about 1 MB: a sharp, busy
// scene (foliage, gravel) at 2048 px can be 1.6 MB at 0.85.
const QUALITIES = [0.85, 0.75, 0.65, 0.55];
const SMALL_ENOUGH = 1024 * 1024;

/** A JPEG Blob no larger than MAX_SIDE px on its longest side, EXIF orientation applied. */
export async function downscale(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const longest = Math.max(bitmap.width, bitmap.height);
  // A photo already small keeps its own bytes (and the worker's GPS in its EXIF).
  if (longest <= MAX_SIDE && file.size <= SMALL_ENOUGH) { bitmap.close(); return file; }
  const scale = Math.min(1, MAX_SIDE / longest);
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  let blob = null;
  for (const quality of QUALITIES) {
    blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
    if (blob.size <= SMALL_ENOUGH) break;
  }
  return blob;
}

/** The chosen files of an <input type=file>, each downscaled. */
export async function chosenPhotos(input) {
  const out = [];
  for (const file of input.files || []) out.push(await downscale(file));
  return out;
}

/**
 * A file input shown as a big button in the page's language: Chromium draws its own
 * "Choose File / No file chosen" in the browser's language, not the app's. The real input
 * stays on top (transparent), so tapping, focus and its label work as before.
 */
export function photoPicker(input, buttonText, noneText) {
  const box = document.createElement("span");
  box.className = "picker";
  const face = document.createElement("span");
  face.className = "picker-face";
  face.setAttribute("aria-hidden", "true");
  face.textContent = buttonText;
  const name = document.createElement("span");
  name.className = "picker-name";
  name.setAttribute("aria-hidden", "true");
  name.textContent = noneText;
  input.addEventListener("change", () => {
    name.textContent = input.files.length ? Array.from(input.files).map((file) => file.name).join("、") : noneText;
  });
  input.replaceWith(box);
  box.append(input, face, name);
  return box;
}
