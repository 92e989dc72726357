import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12; // GCM's recommended nonce size
const TAG_BYTES = 16;

/**
 * AES-256-GCM for the DRS tokens at rest. Each value gets a fresh random nonce, and the device id and
 * field name are bound in as associated data, so a ciphertext copied to another row or column does
 * not decrypt. Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
 */
export function createTokenCipher(key: Buffer) {
  if (key.length !== 32) throw new RangeError('the token encryption key must be 32 bytes (AES-256)');
  return {
    encrypt(plaintext: string, context: string): Buffer {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed: Buffer, context: string): string {
      if (sealed[0] !== VERSION) throw new Error(`unknown token ciphertext version ${sealed[0]}`);
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

export type TokenCipher = ReturnType<typeof createTokenCipher>;
