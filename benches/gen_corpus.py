#!/usr/bin/env python3
"""Writes a deterministic synthetic tech-news corpus in warta's .txt layout, for benchmarks.

Each article is a file with `Date:`/`Source:`/`URL:`/`Author:` header lines (some left out),
a blank line, the title, a blank line and paragraphs separated by blank lines. About two
thirds are English-like and one third Indonesian-like text. Words are drawn from a Zipf
distribution over a vocabulary per language: real words at the head (function words, news
and tech words, common collocations such as "mobile phone" so phrase queries match), then
made-up words with the language's endings and affixes in the long tail, so stemmers and
tokenizers see realistic work. Bodies are 150-1,500 words (log-normal, median ~385).

The output depends only on --seed and the article numbers: article N is always the same text
in the same file, whatever --jobs is, so a 100K corpus is the first 100K articles of the 1M one.

    python3 benches/gen_corpus.py --articles 100000 --out ../benchdata/synth-100k
    python3 benches/gen_corpus.py --articles 1000000 --out ../benchdata/synth-1m --jobs 2

Files go 1,000 to a folder: OUT/0000/000000.txt, OUT/0000/000001.txt, ... python3 stdlib only.
"""

import argparse
import bisect
import itertools
import math
import os
import random
import sys
import time

PER_FOLDER = 1000
VOCAB_SEED = "warta-synthetic-vocabulary-v1"
TAIL_WORDS = 120_000  # made-up words per language, after the real ones
ZIPF_S = 1.0

# English head, roughly in frequency order (function words first).
EN_HEAD = """the of and to a in is that for it on was with as be by at are this from have not
has but an or were they which will had their its more been said also he we would one new
about there can all than who up out other so into after over some could if when year what
people them only most years first like time two just company no our said may these do
now because many use any while market technology users how make where three last still
before such through government services data between being very those even against
mobile phone internet online software million per cent billion network digital service
security apps app devices system systems business customers firms companies industry
report according chief executive week month new launch launched plans plan growth sales
revenue investment investors funding startup start-up platform platforms cloud computing
computer computers broadband games gaming video music film search engine email web website
sites site content media social messages messaging privacy users' consumers price prices
cost costs deal deals partner partners partnership market share players competition
rivals rival research researchers study studies development developers developer code
open source model models ai intelligence artificial learning machine chips chip processor
processors semiconductor factory production supply chain battery batteries electric
vehicles cars energy power satellite satellites space rocket telecom operator operators
spectrum wireless 5g 4g networks subscribers television tv broadcast channel channels
digital camera cameras screen display laptop laptops tablet tablets smartphone smartphones
handset handsets microsoft google apple amazon samsung nokia sony intel ibm yahoo
virus viruses hackers attack attacks breach breaches spam fraud police law laws court
regulator regulators regulation rules rule policy minister ministry officials public
biggest largest major key global international local national europe asia us uk
japan china india indonesia jakarta london america american british european
quarter annual profit profits loss losses shares stock analysts analyst expected expects
growing grew rise rising fell fall higher lower strong weak demand orders products
product version versions release released update updates feature features tool tools
access speed speeds fast faster high-speed connection connections storage memory
information files file download downloads downloading uploaded sharing shared share
experts expert warned warn said told says added explained believes think believe
robotics robot robots drone drones""".split()

# Real words placed deep in the tail (ranks 5,000 to 60,000), so rare-term queries have few matches.
EN_RARE = ["quantum", "biometric", "blockchain", "nanotechnology", "exoskeleton", "holographic"]
ID_RARE = ["kuantum", "biometrik", "blockchain", "nanoteknologi", "eksoskeleton", "holografik"]
RARE_RANKS = [5_000, 12_000, 20_000, 30_000, 45_000, 60_000]

EN_COLLOCATIONS = [
    "mobile phone", "mobile phones", "search engine", "data centre", "data centres",
    "artificial intelligence", "machine learning", "open source", "social media",
    "chief executive", "broadband access", "video games", "high-definition television",
    "net profit", "market share", "supply chain", "cloud computing", "personal data",
    "operating system", "web browser", "credit card", "file sharing", "data breach",
]

EN_ONSETS = ["b", "bl", "br", "c", "ch", "cl", "cr", "d", "dr", "f", "fl", "fr", "g", "gl",
             "gr", "h", "j", "k", "l", "m", "n", "p", "pl", "pr", "qu", "r", "s", "sc",
             "sh", "sk", "sl", "sm", "sn", "sp", "st", "str", "sw", "t", "th", "tr", "v",
             "w", "wh", "z", ""]
EN_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ea", "ee", "ou", "y"]
EN_CODAS = ["", "", "", "n", "r", "l", "s", "t", "nd", "nt", "st", "ck", "ng", "m", "x"]
EN_SUFFIXES = ["", "", "", "", "", "", "", "", "", "s", "s", "s", "ed", "ing", "er", "ers", "ly", "tion", "tions",
               "ment", "ments", "ness", "ity", "al", "ize", "izes", "ized", "able", "ful",
               "ive", "ism", "ist", "ists", "ous", "ance"]

# Indonesian head, roughly in frequency order.
ID_HEAD = """yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada tersebut
karena oleh bisa sudah atau saat mereka kami kita lebih telah hal secara masih seperti
menjadi bahwa jika namun hanya para dapat harus satu dua tahun hari baru banyak lain
sebagai menurut adalah kata ujar jakarta indonesia pemerintah perusahaan teknologi data
aplikasi pengguna layanan digital internet ponsel perangkat sistem jaringan pasar
investasi pendanaan startup platform konsumen produk harga bisnis industri ekonomi
kecerdasan buatan keamanan siber privasi informasi kebijakan menteri kementerian regulasi
aturan operator seluler sinyal kota wilayah negara dunia global masyarakat warga
miliar triliun juta rupiah dolar persen pertumbuhan penjualan pendapatan keuntungan
mitra kemitraan kerja sama peluncuran meluncurkan diluncurkan menggunakan digunakan
penggunaan membuat dibuat memiliki dimiliki memberikan diberikan mengembangkan
pengembangan pengembang perangkat lunak komputer laptop kamera layar baterai listrik
kendaraan mobil motor ojek daring online transaksi pembayaran dompet bank keuangan
fintech pinjaman kredit e-commerce belanja toko penjual pembeli pengiriman logistik
pusat riset peneliti penelitian universitas mahasiswa pendidikan sekolah guru
kesehatan rumah sakit dokter media sosial berita konten video musik film game
permainan pemain kompetisi pesaing saham investor modal ventura ekspansi""".split()

ID_COLLOCATIONS = [
    "pusat data", "kecerdasan buatan", "media sosial", "dompet digital", "perangkat lunak",
    "kerja sama", "modal ventura", "ojek daring", "keamanan siber", "rumah sakit",
    "data pribadi", "jaringan seluler", "pertumbuhan ekonomi",
]

ID_ONSETS = ["b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "ng", "ny", "p", "r", "s",
             "t", "w", "y", "", "kh", "sy"]
ID_VOWELS = ["a", "a", "i", "u", "e", "o", "a", "i", "u", "ai", "au"]
ID_CODAS = ["", "", "", "n", "ng", "r", "l", "s", "t", "k", "m", "h"]
ID_PREFIXES = ["", "", "", "", "", "", "", "me", "mem", "men", "meng", "ber", "di", "ter", "pe", "pen",
               "per", "ke", "se"]
ID_SUFFIXES = ["", "", "", "", "", "", "kan", "an", "i", "nya", "lah", "kah"]

EN_SOURCES = [("TechWire", "techwire.example"), ("Silicon Ledger", "siliconledger.example"),
              ("The Byte Post", "bytepost.example"), ("Asia Tech Wire", "asiatechwire.example"),
              ("Circuit Daily", "circuitdaily.example"), ("Network News", "networknews.example"),
              ("Gadget Gazette", "gadgetgazette.example"), ("Cloud Report", "cloudreport.example")]
ID_SOURCES = [("Warta Tekno", "warta-tekno.id"), ("DailySocial", "dailysocial.id"),
              ("Kabar Digital", "kabardigital.example.id"), ("Teknologi Kini", "teknokini.example.id"),
              ("Siber News", "sibernews.example.id"), ("Gawai Harian", "gawaiharian.example.id")]
EN_FIRST = ["Priya", "James", "Sarah", "Daniel", "Mei", "Tom", "Laura", "Ahmed", "Chen", "Emma",
            "Oliver", "Grace", "Ravi", "Hannah", "Lucas", "Nadia"]
EN_LAST = ["Raman", "Walker", "Okafor", "Lee", "Tanaka", "Brown", "Fischer", "Khan", "Wong",
           "Evans", "Murphy", "Silva", "Novak", "Hughes", "Park", "Adams"]
ID_FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Rina", "Fajar", "Ayu",
            "Hendra", "Lestari", "Yusuf", "Wulan", "Dimas", "Intan"]
ID_LAST = ["Santoso", "Wijaya", "Pratama", "Nugroho", "Saputra", "Hidayat", "Kurniawan",
           "Lestari", "Setiawan", "Susanto", "Rahmawati", "Gunawan", "Siregar", "Harahap"]


def made_up_words(rng, count, make, taken):
    """`count` distinct words from `make(rng)` that are not in `taken`."""
    out = []
    while len(out) < count:
        word = make(rng)
        if 3 <= len(word) <= 14 and word not in taken:
            taken.add(word)
            out.append(word)
    return out


def en_word(rng):
    syllables = rng.choice((1, 1, 2, 2, 2, 3))
    stem = "".join(rng.choice(EN_ONSETS) + rng.choice(EN_VOWELS) for _ in range(syllables))
    stem += rng.choice(EN_CODAS)
    return stem + rng.choice(EN_SUFFIXES)


def id_word(rng):
    syllables = rng.choice((2, 2, 2, 2, 3))
    stem = "".join(rng.choice(ID_ONSETS) + rng.choice(ID_VOWELS) for _ in range(syllables))
    stem += rng.choice(ID_CODAS)
    return rng.choice(ID_PREFIXES) + stem + rng.choice(ID_SUFFIXES)


class Language:
    """A vocabulary with Zipf weights, and the trappings of articles in one language."""

    def __init__(self, rng, head, collocations, rare, make, sources, first, last):
        taken = set(head) | set(collocations) | set(rare)
        tail = made_up_words(rng, TAIL_WORDS, make, taken)
        words = list(head)
        # Collocations and names in the upper-middle ranks, so phrase and name queries match
        # a realistic share of articles.
        for n, phrase in enumerate(collocations):
            words.insert(min(len(words), 120 + 9 * n), phrase)
        # Every 23rd tail word is a name (capitalised), like companies and places in news.
        for n, word in enumerate(tail):
            words.append(word.capitalize() if n % 23 == 7 else word)
        for rank, word in zip(RARE_RANKS, rare):
            words.insert(rank - 1, word)
        self.words = words
        self.cum = list(itertools.accumulate(1.0 / (r ** ZIPF_S) for r in range(1, len(words) + 1)))
        self.total = self.cum[-1]
        self.sources = sources
        self.first, self.last = first, last

    def draw(self, rng, k):
        """`k` words drawn by Zipf rank."""
        words, cum, total, hi = self.words, self.cum, self.total, len(self.words) - 1
        rnd = rng.random
        return [words[bisect.bisect(cum, rnd() * total, 0, hi)] for _ in range(k)]


def build_languages(seed):
    rng = random.Random(f"{VOCAB_SEED}:{seed}")
    en = Language(rng, EN_HEAD, EN_COLLOCATIONS, EN_RARE, en_word, EN_SOURCES, EN_FIRST, EN_LAST)
    idn = Language(rng, ID_HEAD, ID_COLLOCATIONS, ID_RARE, id_word, ID_SOURCES, ID_FIRST, ID_LAST)
    return en, idn


def sentence_text(words, rng, number):
    """One sentence: capitalised, a comma now and then, sometimes a figure, a full stop."""
    if number is not None and len(words) > 4:
        words[rng.randrange(2, len(words))] = number
    if len(words) > 8 and rng.random() < 0.5:
        cut = rng.randrange(3, len(words) - 3)
        words[cut] = words[cut] + ","
    first = words[0]
    words[0] = first[:1].upper() + first[1:]
    return " ".join(words) + "."


def figure(rng, lang_is_id):
    kind = rng.random()
    if kind < 0.4:
        return str(rng.randrange(1990, 2026))
    if kind < 0.7:
        n = rng.randrange(2, 999)
        return f"{n}%" if not lang_is_id else f"{n} persen"
    n = rng.randrange(1, 500)
    return f"${n} million" if not lang_is_id else f"Rp {n} miliar"


def article(n, seed, en, idn):
    """The text of article number `n`."""
    rng = random.Random(f"{seed}:{n}")
    is_id = rng.random() < 0.35
    lang = idn if is_id else en
    # Body length: log-normal around 385 words, kept within 150-1,500.
    target = int(min(1500, max(150, rng.lognormvariate(math.log(385), 0.55))))
    pool = lang.draw(rng, target + 12)
    title_len = rng.randrange(6, 13)
    title_words = pool[target:target + title_len]
    title = " ".join(w[:1].upper() + w[1:] if (not is_id or i == 0) else w
                     for i, w in enumerate(title_words))
    paragraphs = []
    pos = 0
    while pos < target:
        sentences = []
        for _ in range(rng.randrange(2, 6)):
            if pos >= target:
                break
            length = min(target - pos, rng.randrange(6, 28))
            words = pool[pos:pos + length]
            pos += length
            number = figure(rng, is_id) if rng.random() < 0.15 else None
            sentences.append(sentence_text(words, rng, number))
        paragraphs.append(" ".join(sentences))

    year = rng.randrange(2015, 2026)
    month = rng.randrange(1, 13)
    day = rng.randrange(1, 29)
    source_name, domain = lang.sources[rng.randrange(len(lang.sources))]
    slug = "-".join(w.lower() for w in title_words[:6] if w.isalnum() or "-" in w) or f"a{n}"
    lines = []
    if rng.random() < 0.95:
        lines.append(f"Date: {year:04d}-{month:02d}-{day:02d}")
    if rng.random() < 0.9:
        lines.append(f"Source: {source_name}")
    if rng.random() < 0.8:
        lines.append(f"URL: https://{domain}/{year}/{month:02d}/{slug}-{n}")
    if rng.random() < 0.7:
        lines.append(f"Author: {rng.choice(lang.first)} {rng.choice(lang.last)}")
    head = "\n".join(lines) + "\n\n" if lines else ""
    return head + title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def write_folder(folder, args, en, idn):
    """Writes the articles of one folder; returns bytes written."""
    first = folder * PER_FOLDER
    last = min(args.articles, first + PER_FOLDER)
    path = os.path.join(args.out, f"{folder:04d}")
    os.makedirs(path, exist_ok=True)
    written = 0
    for n in range(first, last):
        data = article(n, args.seed, en, idn).encode("utf-8")
        with open(os.path.join(path, f"{n:07d}.txt"), "wb") as f:
            f.write(data)
        written += len(data)
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="how many articles")
    parser.add_argument("--out", required=True, help="output folder (created)")
    parser.add_argument("--seed", default="1", help="seed (default 1)")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default 1)")
    args = parser.parse_args()
    started = time.time()
    en, idn = build_languages(args.seed)
    folders = (args.articles + PER_FOLDER - 1) // PER_FOLDER
    os.makedirs(args.out, exist_ok=True)
    total = 0
    if args.jobs <= 1:
        for folder in range(folders):
            total += write_folder(folder, args, en, idn)
    else:
        # Forked workers share the vocabulary; each writes whole folders.
        pids = []
        for job in range(args.jobs):
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    for folder in range(job, folders, args.jobs):
                        write_folder(folder, args, en, idn)
                except BaseException as err:  # report, and fail the run
                    print(f"gen_corpus: job {job}: {err}", file=sys.stderr)
                    code = 1
                os._exit(code)
            pids.append(pid)
        failed = sum(os.waitpid(pid, 0)[1] != 0 for pid in pids)
        if failed:
            sys.exit(1)
        for root, _, files in os.walk(args.out):
            total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    print(f"{args.articles} articles, {total:,} bytes in {folders} folders under {args.out} "
          f"in {time.time() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
