// Photos are made smaller on the phone before they wait in the outbox: a 12-megapixel
// camera JPEG (4-6 MB) goes as one of at most 2048 px on its longest side, about 0.5-1 MB.
"use strict";

export const MAX_SIDE = 2048;
const QUALITY = 0.85;
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
  return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
}

/** The chosen files of an <input type=file>, each downscaled. */
export async function chosenPhotos(input) {
  const out = [];
  for (const file of input.files || []) out.push(await downscale(file));
  return out;
}
