/**
 * Real, tiny image files of each format the portal accepts, and files that only pretend to be
 * images, for the sniffing tests and the image routes.
 */

/** A 1x1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A 1x1 GIF89a. */
export const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** A 1x1 progressive greyscale JPEG (JFIF), with its end-of-image marker. */
export const JPEG_1X1 = Buffer.concat([
  Buffer.from(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
    'base64',
  ),
  Buffer.from([0xff, 0xd9]),
]);

/** A 1x1 24-bit BMP: a 14-byte file header, a 40-byte BITMAPINFOHEADER and one padded pixel row. */
export const BMP_1X1 = (() => {
  const pixelRow = 4; // 3 bytes of BGR, padded to a multiple of 4
  const offset = 14 + 40;
  const bmp = Buffer.alloc(offset + pixelRow);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(offset, 10);
  bmp.writeUInt32LE(40, 14); // DIB header size
  bmp.writeInt32LE(1, 18); // width
  bmp.writeInt32LE(1, 22); // height
  bmp.writeUInt16LE(1, 26); // colour planes
  bmp.writeUInt16LE(24, 28); // bits per pixel
  bmp.writeUInt32LE(pixelRow, 34); // image size
  bmp.writeUInt8(0xff, offset); // one white pixel (blue, green, red)
  bmp.writeUInt8(0xff, offset + 1);
  bmp.writeUInt8(0xff, offset + 2);
  return bmp;
})();

/** The start of a WebP file: a RIFF container of type WEBP. */
export const WEBP_HEADER = Buffer.concat([
  Buffer.from('RIFF', 'latin1'),
  Buffer.from([0x1a, 0x00, 0x00, 0x00]),
  Buffer.from('WEBPVP8 ', 'latin1'),
  Buffer.alloc(18),
]);

/** The start of a PDF document. */
export const PDF_HEADER = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1');

/** Text that begins with "BM", as a bitmap does, but is none. */
export const FAKE_BMP_TEXT = Buffer.from('BMW service manual, chapter 1: the washing machine is not a car.', 'utf8');

/** An image of `size` bytes that sniffs as PNG: a real PNG followed by padding. */
export function pngOfSize(size: number): Buffer {
  return Buffer.concat([PNG_1X1, Buffer.alloc(Math.max(0, size - PNG_1X1.length))]);
}
