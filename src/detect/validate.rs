//! Checksum validators: structural proofs that a candidate is a real identifier.
//!
//! Many secrets and indicators (card numbers, IBANs, wallet addresses) carry a
//! checksum. A regex alone cannot tell a real Bitcoin address from 34 random
//! base58 characters, but the checksum can, and it costs microseconds. A rule
//! names one [`Validator`] in its `validator` field; a candidate that fails the
//! check is dropped before it becomes a finding.
//!
//! Every check here is pure and allocation-light, and none of them trusts the
//! input: malformed bytes simply fail the check.

use sha2::{Digest, Sha256};

/// A checksum that a candidate secret must satisfy to be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Validator {
    /// The Luhn (mod 10) check digit of payment card numbers; spaces and dashes are ignored.
    Luhn,
    /// Base58 with a 4-byte double SHA-256 checksum (Bitcoin, Litecoin, Dogecoin, WIF keys).
    Base58check,
    /// The BIP-173 bech32 or BIP-350 bech32m checksum (segwit addresses and the like).
    Bech32,
    /// An Ethereum address: all one case, or mixed case matching the EIP-55 checksum.
    Eip55,
    /// An ISO 13616 IBAN: known country length and mod-97 remainder of 1.
    Iban,
}

impl Validator {
    /// Returns true when `secret` passes this checksum.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::Luhn => luhn(secret),
            Validator::Base58check => base58check(secret),
            Validator::Bech32 => bech32(secret),
            Validator::Eip55 => eip55(secret),
            Validator::Iban => iban(secret),
        }
    }
}

// ---------------------------------------------------------------------------
// Luhn

/// Luhn check over 8 to 19 digits (card numbers, Canadian SINs); spaces and dashes are
/// separators, anything else fails.
fn luhn(s: &[u8]) -> bool {
    let mut digits = [0u8; 19];
    let mut n = 0;
    for &b in s {
        match b {
            b'0'..=b'9' => {
                if n == digits.len() {
                    return false;
                }
                digits[n] = b - b'0';
                n += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    if n < 8 {
        return false;
    }

    let mut sum = 0u32;
    for (i, &d) in digits[..n].iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

// ---------------------------------------------------------------------------
// Base58Check

/// The Bitcoin base58 alphabet (no `0`, `O`, `I`, `l`).
const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Decodes base58 text into bytes; `None` on a character outside the alphabet.
///
/// Inputs longer than 128 characters are rejected: no base58check payload a
/// rule looks for (addresses, WIF keys, extended keys) is that long.
fn base58_decode(s: &[u8]) -> Option<Vec<u8>> {
    if s.is_empty() || s.len() > 128 {
        return None;
    }
    let zeros = s.iter().take_while(|&&b| b == b'1').count();

    // Big-endian base-256 accumulator, multiplied by 58 and added to per digit.
    let mut num: Vec<u8> = Vec::with_capacity(s.len());
    for &c in s {
        let mut carry = BASE58.iter().position(|&a| a == c)? as u32;
        for byte in num.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            num.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }

    let mut out = vec![0u8; zeros];
    out.extend(num);
    Some(out)
}

/// Base58Check: the last 4 decoded bytes equal the first 4 of SHA-256(SHA-256(rest)).
fn base58check(s: &[u8]) -> bool {
    let Some(bytes) = base58_decode(s) else {
        return false;
    };
    if bytes.len() < 5 {
        return false;
    }
    let (payload, sum) = bytes.split_at(bytes.len() - 4);
    let digest = Sha256::digest(Sha256::digest(payload));
    digest[..4] == *sum
}

// ---------------------------------------------------------------------------
// Bech32 / Bech32m

/// The bech32 data alphabet; a character's index is its 5-bit value.
const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The polymod constant a valid BIP-173 bech32 string leaves.
const BECH32_CONST: u32 = 1;

/// The polymod constant a valid BIP-350 bech32m string leaves.
const BECH32M_CONST: u32 = 0x2bc8_30a3;

/// The BCH checksum generator step over 5-bit values.
fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Bech32 or bech32m: one case throughout, `hrp` + `1` + at least 6 data characters.
fn bech32(s: &[u8]) -> bool {
    if s.len() < 8 || s.len() > 90 {
        return false;
    }
    let has_lower = s.iter().any(u8::is_ascii_lowercase);
    let has_upper = s.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper || s.iter().any(|&b| !(33..=126).contains(&b)) {
        return false;
    }

    let Some(sep) = s.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    if sep == 0 || s.len() - sep - 1 < 6 {
        return false;
    }
    let hrp: Vec<u8> = s[..sep].iter().map(u8::to_ascii_lowercase).collect();
    let mut data = Vec::with_capacity(s.len() - sep - 1);
    for &c in &s[sep + 1..] {
        let c = c.to_ascii_lowercase();
        match BECH32.iter().position(|&a| a == c) {
            Some(v) => data.push(v as u8),
            None => return false,
        }
    }

    let expanded = hrp
        .iter()
        .map(|c| c >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.iter().map(|c| c & 31))
        .chain(data.iter().copied());
    let pm = bech32_polymod(expanded);
    pm == BECH32_CONST || pm == BECH32M_CONST
}

// ---------------------------------------------------------------------------
// EIP-55 and Keccak-256

/// Keccak-f[1600] round constants.
const KECCAK_RC: [u64; 24] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808a,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808b,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008a,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000a,
    0x0000_0000_8000_808b,
    0x8000_0000_0000_008b,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800a,
    0x8000_0000_8000_000a,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// Rotation offsets of the rho step, in the order the pi step visits lanes.
const KECCAK_ROT: [u32; 24] = [
    1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
];

/// Lane visiting order of the pi step.
const KECCAK_PI: [usize; 24] = [
    10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
];

/// The Keccak-f[1600] permutation over a 25-lane state.
fn keccak_f(st: &mut [u64; 25]) {
    for rc in KECCAK_RC {
        // Theta: mix each column's parity into its neighbours.
        let mut col = [0u64; 5];
        for (x, c) in col.iter_mut().enumerate() {
            *c = st[x] ^ st[x + 5] ^ st[x + 10] ^ st[x + 15] ^ st[x + 20];
        }
        for x in 0..5 {
            let t = col[(x + 4) % 5] ^ col[(x + 1) % 5].rotate_left(1);
            for y in (0..25).step_by(5) {
                st[y + x] ^= t;
            }
        }

        // Rho and pi: rotate lanes and move them to their new positions.
        let mut carry = st[1];
        for (&to, &rot) in KECCAK_PI.iter().zip(KECCAK_ROT.iter()) {
            let next = st[to];
            st[to] = carry.rotate_left(rot);
            carry = next;
        }

        // Chi: the only non-linear step, row by row.
        for y in (0..25).step_by(5) {
            let row = [st[y], st[y + 1], st[y + 2], st[y + 3], st[y + 4]];
            for x in 0..5 {
                st[y + x] = row[x] ^ (!row[(x + 1) % 5] & row[(x + 2) % 5]);
            }
        }

        // Iota.
        st[0] ^= rc;
    }
}

/// Keccak-256 as Ethereum uses it: the original `0x01` padding, not SHA3-256's `0x06`.
fn keccak256(data: &[u8]) -> [u8; 32] {
    const RATE: usize = 136;
    let mut st = [0u64; 25];

    let absorb = |st: &mut [u64; 25], block: &[u8]| {
        for (i, lane) in block.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(lane);
            st[i] ^= u64::from_le_bytes(b);
        }
        keccak_f(st);
    };

    let mut blocks = data.chunks_exact(RATE);
    for block in blocks.by_ref() {
        absorb(&mut st, block);
    }
    let rest = blocks.remainder();
    let mut last = [0u8; RATE];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] ^= 0x01;
    last[RATE - 1] ^= 0x80;
    absorb(&mut st, &last);

    let mut out = [0u8; 32];
    for (i, chunk) in out.chunks_exact_mut(8).enumerate() {
        chunk.copy_from_slice(&st[i].to_le_bytes());
    }
    out
}

/// EIP-55: `0x` + 40 hex; one-case addresses pass, mixed case must match the checksum.
fn eip55(s: &[u8]) -> bool {
    let Some(hex) = s.strip_prefix(b"0x").or_else(|| s.strip_prefix(b"0X")) else {
        return false;
    };
    if hex.len() != 40 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let has_lower = hex.iter().any(u8::is_ascii_lowercase);
    let has_upper = hex.iter().any(u8::is_ascii_uppercase);
    if !(has_lower && has_upper) {
        return true;
    }

    let lower: Vec<u8> = hex.iter().map(u8::to_ascii_lowercase).collect();
    let hash = keccak256(&lower);
    hex.iter().enumerate().all(|(i, &c)| {
        let nibble = if i % 2 == 0 {
            hash[i / 2] >> 4
        } else {
            hash[i / 2] & 0x0f
        };
        match c {
            b'a'..=b'f' => nibble < 8,
            b'A'..=b'F' => nibble >= 8,
            _ => true,
        }
    })
}

// ---------------------------------------------------------------------------
// IBAN

/// IBAN lengths per ISO 3166 country code (the SEPA area and the most common others).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

/// ISO 13616: the country's length, then the rearranged number modulo 97 equals 1.
fn iban(s: &[u8]) -> bool {
    let mut buf = [0u8; 34];
    let mut n = 0;
    for &b in s {
        if b == b' ' {
            continue;
        }
        if n == buf.len() || !b.is_ascii_alphanumeric() {
            return false;
        }
        buf[n] = b.to_ascii_uppercase();
        n += 1;
    }
    let iban = &buf[..n];
    if n < 15 || !iban[..2].iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    if !iban[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    match IBAN_LENGTHS.iter().find(|(cc, _)| cc[..] == iban[..2]) {
        Some(&(_, len)) if len == n => {}
        _ => return false,
    }

    // Move the country code and check digits to the end, expand letters to 10..35.
    let mut rem: u32 = 0;
    for &c in iban[4..].iter().chain(iban[..4].iter()) {
        if c.is_ascii_digit() {
            rem = (rem * 10 + u32::from(c - b'0')) % 97;
        } else {
            let v = u32::from(c - b'A') + 10;
            rem = (rem * 100 + v) % 97;
        }
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lowercase hex of a byte slice, for comparing digests.
    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// Luhn accepts valid card numbers.
    #[test]
    fn luhn_accepts_valid_card_numbers() {
        assert!(Validator::Luhn.check(b"4111111111111111"));
        assert!(Validator::Luhn.check(b"4111 1111 1111 1111"));
        assert!(Validator::Luhn.check(b"5500-0000-0000-0004"));
        assert!(Validator::Luhn.check(b"378282246310005"));
        assert!(Validator::Luhn.check(b"046 219 333"));
    }

    /// Luhn rejects corrupted numbers.
    #[test]
    fn luhn_rejects_corrupted_numbers() {
        assert!(!Validator::Luhn.check(b"4111111111111112"));
        assert!(!Validator::Luhn.check(b"378282246310006"));
        assert!(!Validator::Luhn.check(b"4111x11111111111"));
        assert!(!Validator::Luhn.check(b"0"));
        assert!(!Validator::Luhn.check(b"0000000"));
        assert!(!Validator::Luhn.check(b"41111111111111111111111"));
    }

    /// Base58check accepts valid payloads.
    #[test]
    fn base58check_accepts_valid_payloads() {
        // Made-up P2PKH and P2SH addresses and a compressed WIF key, checksummed offline.
        assert!(Validator::Base58check.check(b"18ZaVcAT9uahY1jsgF4MQSE7TiZrCjgR3v"));
        assert!(Validator::Base58check.check(b"33GAbYwiEegkaAr49QVYP5kod15Y7pQtF7"));
        assert!(
            Validator::Base58check.check(b"L5aAEBYujQLGiFwt4mSr6ufnLaTDLc13mSiyxUNLdFf2FJtGCUwH")
        );
    }

    /// Base58check rejects corruption.
    #[test]
    fn base58check_rejects_corruption() {
        assert!(!Validator::Base58check.check(b"18ZaVcAT9uahY1jsgF4MQSE7TiZrCjgR3w"));
        assert!(!Validator::Base58check.check(b"33GAbYwiEegkaAr49QVYP5kod15Y7pQtG7"));
        assert!(!Validator::Base58check.check(b"18ZaVcAT9uahY1jsgF4MQSE7TiZrCjgR30"));
        assert!(!Validator::Base58check.check(b""));
    }

    /// Base58 decodes leading ones as zero bytes.
    #[test]
    fn base58_decodes_leading_ones_as_zero_bytes() {
        assert_eq!(base58_decode(b"11").unwrap(), vec![0, 0]);
        assert_eq!(base58_decode(b"2").unwrap(), vec![1]);
        assert_eq!(base58_decode(b"21").unwrap(), vec![58]);
        assert!(base58_decode(b"0").is_none());
    }

    /// Bech32 accepts bip173 and bip350 vectors.
    #[test]
    fn bech32_accepts_bip173_and_bip350_vectors() {
        assert!(Validator::Bech32.check(b"A12UEL5L"));
        assert!(Validator::Bech32.check(b"a12uel5l"));
        assert!(Validator::Bech32.check(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        assert!(Validator::Bech32.check(b"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));
        assert!(Validator::Bech32.check(b"A1LQFN3A"));
        assert!(Validator::Bech32.check(b"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx"));
    }

    /// Bech32 rejects corruption and mixed case.
    #[test]
    fn bech32_rejects_corruption_and_mixed_case() {
        assert!(!Validator::Bech32.check(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
        assert!(!Validator::Bech32.check(b"bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        assert!(!Validator::Bech32.check(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb"));
        assert!(!Validator::Bech32.check(b"1qzzfhee"));
        assert!(!Validator::Bech32.check(b"a12uel5"));
    }

    /// Keccak256 matches known digests.
    #[test]
    fn keccak256_matches_known_digests() {
        assert_eq!(
            hex(&keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        assert_eq!(
            hex(&keccak256(b"abc")),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
        );
        // Longer than one 136-byte block.
        let long = [b'a'; 200];
        assert_eq!(keccak256(&long).len(), 32);
        assert_ne!(keccak256(&long[..136]), keccak256(&long[..137]));
    }

    /// Eip55 accepts spec addresses.
    #[test]
    fn eip55_accepts_spec_addresses() {
        for a in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            assert!(Validator::Eip55.check(a.as_bytes()), "{a}");
        }
    }

    /// Eip55 accepts single case and rejects bad checksum.
    #[test]
    fn eip55_accepts_single_case_and_rejects_bad_checksum() {
        assert!(Validator::Eip55.check(b"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
        assert!(Validator::Eip55.check(b"0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"));
        assert!(!Validator::Eip55.check(b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
        assert!(!Validator::Eip55.check(b"0xfB6916095cA1df60bB79Ce92cE3Ea74c37c5d359"));
        assert!(!Validator::Eip55.check(b"0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea"));
        assert!(!Validator::Eip55.check(b"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00"));
    }

    /// Iban accepts valid numbers.
    #[test]
    fn iban_accepts_valid_numbers() {
        assert!(Validator::Iban.check(b"GB82WEST12345698765432"));
        assert!(Validator::Iban.check(b"GB82 WEST 1234 5698 7654 32"));
        assert!(Validator::Iban.check(b"DE89370400440532013000"));
        assert!(Validator::Iban.check(b"fr1420041010050500013m02606"));
    }

    /// Iban rejects bad checksum length or country.
    #[test]
    fn iban_rejects_bad_checksum_length_or_country() {
        assert!(!Validator::Iban.check(b"GB82WEST12345698765433"));
        assert!(!Validator::Iban.check(b"DE8937040044053201300"));
        assert!(!Validator::Iban.check(b"ZZ82WEST12345698765432"));
        assert!(!Validator::Iban.check(b"GB82-WEST-1234-5698-7654-32"));
    }
}
