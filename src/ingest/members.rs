//! The bytes of a web archive as its reader sees them: uncompressed, one segment at a time (a
//! gzip member of a `.warc.gz`, or the whole of a plain `.warc`), the end of a segment read as
//! the end of the input so that a record cut short by the end of its member is told from the
//! next record; after a corrupt member, reading goes on at the next gzip header. The file's
//! bytes are counted as they are read, for offsets in messages.

use std::io::{self, BufRead, Read};

use flate2::bufread::GzDecoder;

/// What is read from the file at a time.
const BUFFER: usize = 256 * 1024;

/// Bytes read from the file, buffered and counted.
pub(super) struct Raw<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Bytes read from `inner`.
    read: u64,
}

impl<R: Read> Raw<R> {
    /// Where the next byte handed out lies in the file.
    pub fn position(&self) -> u64 {
        self.read - (self.len - self.pos) as u64
    }

    /// At least `n` bytes buffered (fewer only at the end of the file).
    fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.len - self.pos < n {
            if self.pos > 0 {
                self.buf.copy_within(self.pos..self.len, 0);
                self.len -= self.pos;
                self.pos = 0;
            }
            let got = self.inner.read(&mut self.buf[self.len..])?;
            if got == 0 {
                break;
            }
            self.read += got as u64;
            self.len += got;
        }
        Ok(&self.buf[self.pos..self.len])
    }
}

impl<R: Read> Read for Raw<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_from_buffer(self, out)
    }
}

impl<R: Read> BufRead for Raw<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.len {
            self.pos = 0;
            self.len = 0;
            self.peek(1)
        } else {
            Ok(&self.buf[self.pos..self.len])
        }
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.len);
    }
}

/// The archive's bytes uncompressed, one segment at a time: a gzip member of a `.warc.gz`, or
/// the whole of a plain `.warc`. The end of a segment reads as the end of the input, so that a
/// record cut short by the end of its member is told from the next record.
pub(super) struct Input<R> {
    /// The file, when not inside a gzip member.
    raw: Option<Raw<R>>,
    /// The gzip member being read.
    member: Option<GzDecoder<Raw<R>>>,
    pub gzip: bool,
    /// Uncompressed bytes of the member.
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Where the segment starts in the file.
    pub segment_start: u64,
    /// Bytes handed out from the segment.
    consumed: u64,
    /// Whether a segment was started.
    started: bool,
}

/// What starting the next segment found.
pub(super) enum Segment {
    /// A segment, after `garbage` bytes that were not gzip data.
    Started { garbage: u64 },
    /// The end of the file.
    End,
}

impl<R: Read> Input<R> {
    pub fn new(file: R, gzip: bool) -> Self {
        Input {
            raw: Some(Raw {
                inner: file,
                buf: vec![0; BUFFER].into_boxed_slice(),
                pos: 0,
                len: 0,
                read: 0,
            }),
            member: None,
            gzip,
            buf: if gzip {
                vec![0; BUFFER].into_boxed_slice()
            } else {
                Box::default()
            },
            pos: 0,
            len: 0,
            segment_start: 0,
            consumed: 0,
            started: false,
        }
    }

    pub fn raw(&self) -> &Raw<R> {
        match (&self.raw, &self.member) {
            (Some(raw), _) => raw,
            (None, Some(member)) => member.get_ref(),
            (None, None) => unreachable!("the file is always held"),
        }
    }

    fn raw_mut(&mut self) -> &mut Raw<R> {
        if let Some(member) = self.member.take() {
            self.raw = Some(member.into_inner());
        }
        self.raw.as_mut().expect("the file is always held")
    }

    /// Where the next byte lies: its segment's start in the file, and its offset in the
    /// segment's uncompressed bytes.
    pub fn offset(&self) -> (u64, u64) {
        (self.segment_start, self.consumed)
    }

    /// Starts the next segment: the next gzip member (after any bytes that are not one), or
    /// the whole file once.
    pub fn next_segment(&mut self) -> io::Result<Segment> {
        self.pos = 0;
        self.len = 0;
        self.consumed = 0;
        if !self.gzip {
            if self.started {
                return Ok(Segment::End);
            }
            self.started = true;
            return Ok(Segment::Started { garbage: 0 });
        }
        let (started, previous) = (self.started, self.segment_start);
        let raw = self.raw_mut();
        if started && raw.position() == previous {
            // A member that failed at its first byte: look past it.
            raw.consume(1);
        }
        let mut garbage = 0u64;
        loop {
            let bytes = raw.peek(2)?;
            match bytes {
                [] => return Ok(Segment::End),
                [0x1f, 0x8b, ..] => break,
                [_] => {
                    raw.consume(1);
                    garbage += 1;
                }
                _ => {
                    let skip = bytes[1..]
                        .iter()
                        .position(|&b| b == 0x1f)
                        .map_or(bytes.len(), |p| p + 1);
                    raw.consume(skip);
                    garbage += skip as u64;
                }
            }
        }
        self.segment_start = raw.position();
        self.started = true;
        let raw = self.raw.take().expect("the file is held");
        self.member = Some(GzDecoder::new(raw));
        Ok(Segment::Started { garbage })
    }
}

impl<R: Read> Read for Input<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_from_buffer(self, out)
    }
}

impl<R: Read> BufRead for Input<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if !self.gzip {
            return self.raw.as_mut().expect("a plain file is held").fill_buf();
        }
        if self.pos == self.len {
            self.pos = 0;
            self.len = 0;
            if let Some(member) = &mut self.member {
                self.len = member.read(&mut self.buf)?;
            }
        }
        Ok(&self.buf[self.pos..self.len])
    }

    fn consume(&mut self, n: usize) {
        self.consumed += n as u64;
        if self.gzip {
            self.pos = (self.pos + n).min(self.len);
        } else if let Some(raw) = &mut self.raw {
            raw.consume(n);
        }
    }
}

/// `Read::read` for a reader that is its own buffer: what `fill_buf` holds, then `consume`.
fn read_from_buffer(reader: &mut impl BufRead, out: &mut [u8]) -> io::Result<usize> {
    let available = reader.fill_buf()?;
    let n = available.len().min(out.len());
    out[..n].copy_from_slice(&available[..n]);
    reader.consume(n);
    Ok(n)
}
