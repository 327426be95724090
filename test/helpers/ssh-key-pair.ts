import ssh2 from 'ssh2';

/** An OpenSSH ed25519 public key blob: "ssh-ed25519" and the 32-byte key, each length-prefixed. */
const ED25519_BLOB_BYTES = 4 + 'ssh-ed25519'.length + 4 + 32;

/**
 * A new ed25519 key pair in OpenSSH format. ssh2's generator strips leading zero bytes from the
 * public key, so about one key in 256 comes out 31 bytes long and OpenSSH (and rclone) reject it
 * ("ssh: no key found"); such a pair is drawn again.
 */
export function ed25519KeyPair(passphrase?: string): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync(
      'ed25519',
      passphrase ? { passphrase, cipher: 'aes256-ctr', rounds: 4 } : {},
    );
    const blob = Buffer.from(pair.public.split(' ')[1]!, 'base64');
    if (blob.length === ED25519_BLOB_BYTES) return pair;
  }
}
