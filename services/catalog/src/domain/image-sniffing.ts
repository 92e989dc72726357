import { CatalogError, CatalogErrorCode } from './catalog-error.js';

/** The largest device image, in bytes: 1 MiB, the portal's "maximum size of 1MB". */
export const MAX_IMAGE_BYTES = 1_048_576;

/** What the first bytes of a file say it is, whatever its name or declared content type. */
export interface SniffedType {
  /** A short name of the format (`png`, `webp`, `pdf`...), `unknown` when nothing matched. */
  format: string;
  contentType: string;
  /** Whether the portal accepts it as a device image: BMP, JPEG, PNG or GIF. */
  accepted: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// The sizes of the DIB headers Windows has defined (BITMAPCOREHEADER to BITMAPV5HEADER): "BM" alone
// is two letters any text file may start with, the header size after it makes a bitmap unmistakable.
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);
const BMP_MIN_BYTES = 14 + 12; // file header + the smallest DIB header

/** Recognises an image by its magic bytes, and names the formats people try instead. */
export function sniffImageType(bytes: Uint8Array): SniffedType {
  if (startsWith(bytes, PNG_SIGNATURE)) return accepted('png', 'image/png');
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return accepted('jpeg', 'image/jpeg');
  if (startsWithText(bytes, 'GIF87a') || startsWithText(bytes, 'GIF89a')) return accepted('gif', 'image/gif');
  if (isBmp(bytes)) return accepted('bmp', 'image/bmp');

  if (startsWithText(bytes, 'RIFF') && textAt(bytes, 8, 4) === 'WEBP') return refused('webp', 'image/webp');
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return refused('tiff', 'image/tiff');
  }
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return refused('ico', 'image/x-icon');
  if (textAt(bytes, 4, 4) === 'ftyp') {
    const brand = textAt(bytes, 8, 4);
    if (brand === 'avif' || brand === 'avis') return refused('avif', 'image/avif');
    if (['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return refused('heic', 'image/heic');
    return refused('mp4', 'video/mp4');
  }
  if (startsWithText(bytes, '%PDF-')) return refused('pdf', 'application/pdf');
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return refused('zip', 'application/zip');
  if (startsWith(bytes, [0x1f, 0x8b])) return refused('gzip', 'application/gzip');
  const text = leadingText(bytes);
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) {
    return refused('svg', 'image/svg+xml');
  }
  if (text.startsWith('<?xml')) return refused('xml', 'application/xml');
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return refused('html', 'text/html');
  if (text.startsWith('{') || text.startsWith('[')) return refused('json', 'application/json');
  return refused('unknown', 'application/octet-stream');
}

/**
 * Checks a device image as the portal does: BMP, JPEG, PNG or GIF by its bytes, at most 1 MiB.
 * Answers 400 for nothing, 413 for too much and 415 naming what the bytes are instead.
 */
export function acceptDeviceImage(bytes: Uint8Array): { contentType: string; bytes: number } {
  if (bytes.length === 0) {
    throw new CatalogError(CatalogErrorCode.CAT_IMAGE_EMPTY, 400, 'the image is empty', { field: '/body' });
  }
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new CatalogError(
      CatalogErrorCode.CAT_IMAGE_TOO_LARGE,
      413,
      `the image has ${bytes.length} bytes; a device image has at most ${MAX_IMAGE_BYTES} bytes (1 MB)`,
      { limitBytes: MAX_IMAGE_BYTES },
    );
  }
  const sniffed = sniffImageType(bytes);
  if (!sniffed.accepted) {
    const what =
      sniffed.format === 'unknown' ? 'of no known image format' : `${sniffed.format} (${sniffed.contentType})`;
    throw new CatalogError(
      CatalogErrorCode.CAT_IMAGE_UNSUPPORTED,
      415,
      `the image is ${what}; a device image must be BMP, JPEG, PNG or GIF`,
      { detectedFormat: sniffed.format, detectedContentType: sniffed.contentType, field: '/body' },
    );
  }
  return { contentType: sniffed.contentType, bytes: bytes.length };
}

function isBmp(bytes: Uint8Array): boolean {
  if (bytes.length < BMP_MIN_BYTES || !startsWithText(bytes, 'BM')) return false;
  const dibHeaderSize =
    (bytes[14] ?? 0) | ((bytes[15] ?? 0) << 8) | ((bytes[16] ?? 0) << 16) | ((bytes[17] ?? 0) << 24);
  return BMP_DIB_HEADER_SIZES.has(dibHeaderSize);
}

function accepted(format: string, contentType: string): SniffedType {
  return { format, contentType, accepted: true };
}

function refused(format: string, contentType: string): SniffedType {
  return { format, contentType, accepted: false };
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

function startsWithText(bytes: Uint8Array, text: string): boolean {
  return textAt(bytes, 0, text.length) === text;
}

function textAt(bytes: Uint8Array, offset: number, length: number): string {
  if (bytes.length < offset + length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

// Markup may start with a byte-order mark and whitespace; 256 bytes are enough to see the root element.
function leadingText(bytes: Uint8Array): string {
  let start = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (start < bytes.length && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[start] ?? 0)) start++;
  return String.fromCharCode(...bytes.subarray(start, start + 256)).toLowerCase();
}
