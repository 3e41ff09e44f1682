//! Bounds-checked reading and length-patching writing of wire octets.

use super::error::{Error, ErrorKind, Result};

/// A cursor over received octets: every read checks the length first and
/// names the field it was reading when data runs out.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { rest: data }
    }

    /// Takes the next `n` octets.
    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8]> {
        let Some((head, tail)) = self.rest.split_at_checked(n) else {
            return Err(Error::new(field, ErrorKind::Truncated));
        };

        self.rest = tail;
        Ok(head)
    }

    /// Takes the next `N` octets as an array.
    pub(crate) fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N]> {
        let bytes = self.take(N, field)?;
        <[u8; N]>::try_from(bytes).map_err(|_| Error::new(field, ErrorKind::Truncated))
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8> {
        let [b] = self.array::<1>(field)?;
        Ok(b)
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16> {
        self.array(field).map(u16::from_be_bytes)
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32> {
        self.array(field).map(u32::from_be_bytes)
    }

    pub(crate) fn u64(&mut self, field: &'static str) -> Result<u64> {
        self.array(field).map(u64::from_be_bytes)
    }

    /// Reads a 16-bit length field that counts a whole structure, `header`
    /// octets of which (the length field included) were read already. The
    /// length must be at least `min`; returns a reader over the rest.
    pub(crate) fn length_prefixed(
        &mut self,
        header: usize,
        min: usize,
        field: &'static str,
    ) -> Result<Reader<'a>> {
        let length = usize::from(self.u16(field)?);
        if length < min.max(header) {
            return Err(Error::new(field, ErrorKind::InvalidLength));
        }

        self.take(length - header, field).map(Reader::new)
    }

    /// Takes everything that is left.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.rest)
    }

    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Fails with `TrailingData` on `field` unless everything was read.
    pub(crate) fn finish(&self, field: &'static str) -> Result<()> {
        if self.rest.is_empty() {
            return Ok(());
        }

        Err(Error::new(field, ErrorKind::TrailingData))
    }
}

/// Appends a big-endian u16.
pub(crate) fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// Appends a big-endian u32.
pub(crate) fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// Converts a count or length to the width of its field, or fails with
/// `TooLong` on `field`.
pub(crate) fn fit<T: TryFrom<usize>>(value: usize, field: &'static str) -> Result<T> {
    T::try_from(value).map_err(|_| Error::new(field, ErrorKind::TooLong))
}

/// Appends a placeholder for a 16-bit length field; returns its position
/// for [`patch_len16`].
pub(crate) fn reserve_len16(out: &mut Vec<u8>) -> usize {
    let at = out.len();
    put_u16(out, 0);
    at
}

/// Writes into the placeholder at `at` the number of octets from `start`
/// to the end of `out`.
pub(crate) fn patch_len16(
    out: &mut [u8],
    start: usize,
    at: usize,
    field: &'static str,
) -> Result<()> {
    let length: u16 = fit(out.len().saturating_sub(start), field)?;
    let Some(slot) = out.get_mut(at..at + 2) else {
        return Err(Error::new(field, ErrorKind::TooLong));
    };

    slot.copy_from_slice(&length.to_be_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_big_endian_and_name_the_field_when_short() {
        let mut r = Reader::new(&[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(r.u16("a"), Ok(0x0102));
        assert_eq!(r.u32("b"), Ok(0x0304_0506));

        let err = r.u16("c").unwrap_err();
        assert_eq!((err.field, err.kind), ("c", ErrorKind::Truncated));
        assert_eq!(r.remaining(), 1);
        assert_eq!(r.finish("d").unwrap_err().kind, ErrorKind::TrailingData);
    }

    #[test]
    fn length_prefixed_checks_minimum_and_available() {
        let data = [0, 6, 0xaa, 0xbb, 0xcc];
        assert_eq!(
            Reader::new(&data)
                .length_prefixed(2, 6, "l")
                .unwrap_err()
                .kind,
            ErrorKind::Truncated
        );
        assert_eq!(
            Reader::new(&data)
                .length_prefixed(2, 7, "l")
                .unwrap_err()
                .kind,
            ErrorKind::InvalidLength
        );

        let mut r = Reader::new(&data);
        let mut body = r.length_prefixed(4, 4, "l").unwrap();
        assert_eq!(body.rest(), &[0xaa, 0xbb]);
        assert_eq!(r.rest(), &[0xcc]);
    }

    #[test]
    fn patch_len16_counts_from_start_and_refuses_overflow() {
        let mut out = vec![9];
        let at = reserve_len16(&mut out);
        out.push(7);
        patch_len16(&mut out, 1, at, "l").unwrap();
        assert_eq!(out, [9, 0, 3, 7]);

        let mut big = vec![0; 70_000];
        assert_eq!(
            patch_len16(&mut big, 0, 0, "l").unwrap_err().kind,
            ErrorKind::TooLong
        );
    }
}
