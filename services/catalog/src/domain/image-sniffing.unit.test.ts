import { describe, expect, it } from 'vitest';
import {
  BMP_1X1,
  FAKE_BMP_TEXT,
  GIF_1X1,
  JPEG_1X1,
  PDF_HEADER,
  PNG_1X1,
  pngOfSize,
  WEBP_HEADER,
} from '../test-support/images.js';
import { CatalogErrorCode } from './catalog-error.js';
import { acceptDeviceImage, MAX_IMAGE_BYTES, sniffImageType } from './image-sniffing.js';

describe('image sniffing', () => {
  it.each([
    ['BMP', BMP_1X1, 'image/bmp'],
    ['JPEG', JPEG_1X1, 'image/jpeg'],
    ['PNG', PNG_1X1, 'image/png'],
    ['GIF', GIF_1X1, 'image/gif'],
  ])('recognises a real %s by its magic bytes', (_name, bytes, contentType) => {
    expect(sniffImageType(bytes)).toMatchObject({ contentType, accepted: true });
    expect(acceptDeviceImage(bytes)).toEqual({ contentType, bytes: bytes.length });
  });

  it('recognises a GIF87a as well as a GIF89a', () => {
    const gif87 = Buffer.concat([Buffer.from('GIF87a', 'latin1'), GIF_1X1.subarray(6)]);
    expect(sniffImageType(gif87).contentType).toBe('image/gif');
  });

  it.each([
    ['WebP', WEBP_HEADER, 'webp', 'image/webp'],
    ['PDF', PDF_HEADER, 'pdf', 'application/pdf'],
    ['SVG', Buffer.from('\ufeff  <svg xmlns="http://www.w3.org/2000/svg"/>'), 'svg', 'image/svg+xml'],
    ['TIFF', Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]), 'tiff', 'image/tiff'],
    [
      'HEIC',
      Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic', 'latin1'), Buffer.alloc(8)]),
      'heic',
      'image/heic',
    ],
  ])('refuses a %s with 415, naming what it is', (_name, bytes, format, contentType) => {
    expect(sniffImageType(bytes)).toEqual({ format, contentType, accepted: false });
    expect(() => acceptDeviceImage(bytes)).toThrow(
      expect.objectContaining({
        code: CatalogErrorCode.CAT_IMAGE_UNSUPPORTED,
        status: 415,
        message: `the image is ${format} (${contentType}); a device image must be BMP, JPEG, PNG or GIF`,
      }),
    );
  });

  it('is not fooled by text that starts with the two letters of a bitmap', () => {
    expect(sniffImageType(FAKE_BMP_TEXT)).toEqual({
      format: 'unknown',
      contentType: 'application/octet-stream',
      accepted: false,
    });
    expect(() => acceptDeviceImage(FAKE_BMP_TEXT)).toThrow(/of no known image format/);
  });

  it('is not fooled by a truncated signature', () => {
    expect(sniffImageType(PNG_1X1.subarray(0, 4)).accepted).toBe(false);
    expect(sniffImageType(Buffer.from([0xff, 0xd8])).accepted).toBe(false);
    expect(sniffImageType(BMP_1X1.subarray(0, 20)).accepted).toBe(false);
  });

  it('refuses an empty body with 400', () => {
    expect(() => acceptDeviceImage(Buffer.alloc(0))).toThrow(
      expect.objectContaining({ code: CatalogErrorCode.CAT_IMAGE_EMPTY, status: 400 }),
    );
  });

  it('accepts exactly 1 MiB and refuses one byte more with 413', () => {
    expect(acceptDeviceImage(pngOfSize(MAX_IMAGE_BYTES)).bytes).toBe(1_048_576);
    expect(() => acceptDeviceImage(pngOfSize(MAX_IMAGE_BYTES + 1))).toThrow(
      expect.objectContaining({ code: CatalogErrorCode.CAT_IMAGE_TOO_LARGE, status: 413 }),
    );
  });
});
