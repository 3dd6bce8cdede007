//! A small binary format for what errdex keeps between runs: the bundled corpus and its
//! index (written by the build script) and the snapshot in the cache folder.
//!
//! Little-endian integers, and lengths before byte strings and arrays. Reading never
//! panics: a short or inconsistent buffer gives `None`, and the caller falls back to
//! building what it wanted to read. This file depends on `std` alone, because the build
//! script compiles it too.

/// Appends values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    /// What was written so far.
    pub buf: Vec<u8>,
}

impl Writer {
    /// A `u8`.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// A `u32`.
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A `u64`.
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A length or position (kept as `u64`, so a file is the same on every platform).
    pub fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }

    /// An `f64`.
    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    /// Bytes, with their length.
    pub fn bytes(&mut self, v: &[u8]) {
        self.usize(v.len());
        self.buf.extend_from_slice(v);
    }

    /// A string, with its length.
    pub fn str(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }
}

/// Reads values back from a byte buffer, in the order they were written.
pub struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// Read `buf` from its start.
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, at: 0 }
    }

    /// Where the next value starts.
    pub fn position(&self) -> usize {
        self.at
    }

    /// Whether everything was read.
    pub fn done(&self) -> bool {
        self.at == self.buf.len()
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.buf.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    /// A `u8`.
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }

    /// A `u32`.
    pub fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    /// A `u64`.
    pub fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    /// A length or position; `None` when it does not fit this platform or is beyond what
    /// is left to read (`per` bytes each), so a garbled count never asks for a huge buffer.
    pub fn len(&mut self, per: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(per.max(1))? <= self.buf.len() - self.at).then_some(n)
    }

    /// A position or count that is not followed by that many items.
    pub fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    /// An `f64`.
    pub fn f64(&mut self) -> Option<f64> {
        self.u64().map(f64::from_bits)
    }

    /// Bytes written with [`Writer::bytes`].
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len(1)?;
        self.take(n)
    }

    /// A string written with [`Writer::str`].
    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
}

/// Where `inner`, a slice of `outer`, lies in it.
pub fn range_in(outer: &[u8], inner: &[u8]) -> std::ops::Range<usize> {
    let at = inner.as_ptr() as usize - outer.as_ptr() as usize;
    at..at + inner.len()
}

/// A 64-bit checksum, to tell a whole file from a garbled one: FNV-1a over 8-byte words in
/// four independent lanes (so the multiplications overlap), folded together at the end.
/// About four times as fast as one lane; a 10 MB snapshot head is checked in about a
/// millisecond.
pub fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    let mut lanes: [u64; 4] = [
        0xcbf2_9ce4_8422_2325,
        0x8422_2325_cbf2_9ce4,
        0x9e37_79b9_7f4a_7c15,
        0x7f4a_7c15_9e37_79b9,
    ];
    let mut blocks = bytes.chunks_exact(32);
    for b in &mut blocks {
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane = (*lane ^ word(&b[k * 8..k * 8 + 8])).wrapping_mul(PRIME);
        }
    }
    let mut h = lanes[0];
    for lane in &lanes[1..] {
        h = (h ^ lane).wrapping_mul(PRIME);
    }
    let rest = blocks.remainder();
    let mut words = rest.chunks_exact(8);
    for c in &mut words {
        h = (h ^ word(c)).wrapping_mul(PRIME);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    // The length, so that bytes with trailing zeros added do not sum the same.
    (h ^ bytes.len() as u64).wrapping_mul(PRIME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_in_order() {
        let mut w = Writer::default();
        w.u8(7);
        w.u32(0xdead_beef);
        w.f64(1.5);
        w.str("héllo");
        w.bytes(&[1, 2, 3]);
        let mut r = Reader::new(&w.buf);
        assert_eq!(r.u8(), Some(7));
        assert_eq!(r.u32(), Some(0xdead_beef));
        assert_eq!(r.f64(), Some(1.5));
        assert_eq!(r.str(), Some("héllo"));
        assert_eq!(r.bytes(), Some(&[1u8, 2, 3][..]));
        assert!(r.done());
        assert_eq!(r.u8(), None);
    }

    #[test]
    fn a_cut_or_garbled_buffer_reads_as_none() {
        let mut w = Writer::default();
        w.str("some text");
        w.bytes(&[5; 10]);
        for cut in 0..w.buf.len() {
            let mut r = Reader::new(&w.buf[..cut]);
            let whole = r.str().is_some() && r.bytes().is_some();
            assert!(!whole, "cut at {cut}");
        }
        // A huge count is refused before anything is allocated.
        let mut huge = Writer::default();
        huge.u64(u64::MAX / 2);
        assert_eq!(Reader::new(&huge.buf).len(4), None);
        assert_eq!(Reader::new(&huge.buf).bytes(), None);
    }

    #[test]
    fn checksum_sees_one_changed_byte() {
        let a: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let mut b = a.clone();
        b[500] ^= 1;
        assert_ne!(checksum(&a), checksum(&b));
        assert_eq!(checksum(&a), checksum(&a.clone()));
        // A change in any lane, in the tail, or in the length is seen.
        for at in [0, 8, 16, 24, 31, 990, 999] {
            let mut c = a.clone();
            c[at] ^= 0x80;
            assert_ne!(checksum(&a), checksum(&c), "byte {at}");
        }
        let mut longer = a.clone();
        longer.push(0);
        assert_ne!(checksum(&a), checksum(&longer));
        // Two lanes' words swapped are not the same bytes either.
        let mut swapped = a.clone();
        swapped.copy_within(0..8, 8);
        swapped[..8].copy_from_slice(&a[8..16]);
        assert_ne!(checksum(&a), checksum(&swapped));
    }
}
