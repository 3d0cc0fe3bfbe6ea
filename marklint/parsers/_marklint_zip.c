/* _marklint_zip: a ZIP member's content from its stored bytes (ooxml_package.Package._inflate), in C.
 *
 * Every part marklint reads is inflated and checked against the CRC its ZIP entry declares, as zipfile
 * checks it. Word's default template brings a 430 KB styles.xml into every document. Python's zlib object
 * inflates it into a chain of growing blocks joined by one more copy, and zlib's table-driven CRC then
 * reads it again: together a fifth of a millisecond, a tenth of reading a short document. Here the member
 * is inflated by zlib into one bytes object of exactly its declared size, and its CRC is folded sixteen bytes
 * at a time with carry-less multiplication where the processor has PCLMULQDQ (x86-64 since 2010; the
 * method of Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction", with the
 * constants of the reflected polynomial 0xEDB88320 as zlib and the Linux kernel use them), elsewhere and
 * for the last bytes with a byte-wise table. What it accepts is what the Python code accepts: a raw deflate
 * stream that ends and gives exactly the declared size (bytes after its end are left, as zlib's
 * decompressobj leaves them) whose CRC matches; anything else is None, and zipfile then reads the member
 * itself and reports it. crc32 gives zlib.crc32's value byte for byte. ooxml_package falls back to zlib
 * when this module is not built or was built from another source.
 *
 * SOURCE_SHA256 is the SHA-256 of this file with the digest's own 64 characters written as zeros
 * (marklint.parsers.compiled.source_sha256); a binary built from other source is refused.
 */
#define SOURCE_SHA256 "666a6c3c4af9860fe7836a97573d21b5db0c0cf19eb3235205a0df0eb8bcc328"
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FOLDING 1
#include <immintrin.h>
#endif

static uint32_t table[256];

static void make_table(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        table[byte] = crc;
    }
}

/* The running (not inverted) CRC over ``size`` bytes, one byte at a time. */
static uint32_t bytewise(uint32_t crc, const unsigned char *data, size_t size) {
    while (size--) crc = table[(crc ^ *data++) & 0xFF] ^ (crc >> 8);
    return crc;
}

#ifdef FOLDING
static int can_fold;

/* The running CRC over ``size`` bytes, ``size`` a multiple of 16 and at least 64: four 128-bit lanes folded
 * 64 bytes at a time, folded into one, the rest folded 16 bytes at a time, then reduced to 32 bits
 * (Barrett). */
__attribute__((target("pclmul,sse4.1"))) static uint32_t folded(uint32_t crc, const unsigned char *data,
                                                                size_t size) {
    const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596LL, 0x0154442bd4LL);
    const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009eLL, 0x01751997d0LL);
    const __m128i k5 = _mm_set_epi64x(0, 0x0163cd6124LL);
    const __m128i poly = _mm_set_epi64x(0x01f7011641LL, 0x01db710641LL);
    const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(data + 0));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(data + 16));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(data + 32));
    __m128i x4 = _mm_loadu_si128((const __m128i *)(data + 48));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
    data += 64;
    size -= 64;
#define FOLD(x, k, next)                                                                  \
    do {                                                                                  \
        __m128i high = _mm_clmulepi64_si128((x), (k), 0x11);                              \
        (x) = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128((x), (k), 0x00), high), (next)); \
    } while (0)
    while (size >= 64) {
        FOLD(x1, k1k2, _mm_loadu_si128((const __m128i *)(data + 0)));
        FOLD(x2, k1k2, _mm_loadu_si128((const __m128i *)(data + 16)));
        FOLD(x3, k1k2, _mm_loadu_si128((const __m128i *)(data + 32)));
        FOLD(x4, k1k2, _mm_loadu_si128((const __m128i *)(data + 48)));
        data += 64;
        size -= 64;
    }
    FOLD(x1, k3k4, x2);
    FOLD(x1, k3k4, x3);
    FOLD(x1, k3k4, x4);
    while (size >= 16) {
        FOLD(x1, k3k4, _mm_loadu_si128((const __m128i *)data));
        data += 16;
        size -= 16;
    }
#undef FOLD
    /* 128 -> 64 bits (appending 32 zero bits), then 64 -> 32. */
    __m128i x = _mm_xor_si128(_mm_clmulepi64_si128(k3k4, x1, 0x01), _mm_srli_si128(x1, 8));
    __m128i shifted = _mm_srli_si128(x, 4);
    x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, mask32), k5, 0x00), shifted);
    /* Barrett reduction, bit-reflected. */
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), poly, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), poly, 0x00);
    return (uint32_t)_mm_extract_epi32(_mm_xor_si128(t, x), 1);
}
#endif

/* The running CRC of ``size`` bytes, folded where the processor can. */
static uint32_t running_crc(uint32_t crc, const unsigned char *at, size_t size) {
#ifdef FOLDING
    if (can_fold && size >= 64) {
        size_t whole = size & ~(size_t)15;
        crc = folded(crc, at, whole);
        at += whole;
        size -= whole;
    }
#endif
    return bytewise(crc, at, size);
}

/* crc32(data, value=0) -> zlib.crc32(data, value). */
static PyObject *crc32_of(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer data;
    unsigned int value = 0;
    if (!PyArg_ParseTuple(args, "y*|I", &data, &value)) return NULL;
    const unsigned char *at = data.buf;
    size_t size = (size_t)data.len;
    uint32_t crc = ~(uint32_t)value;
    Py_BEGIN_ALLOW_THREADS
    crc = running_crc(crc, at, size);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    return PyLong_FromUnsignedLong((unsigned long)~crc);
}

/* inflate(stored, size, crc) -> the content (bytes of exactly ``size``), or None when the raw deflate stream
 * ``stored`` does not end within size + 1 bytes of output, gives another size, or another CRC than ``crc``. */
static PyObject *inflate_member(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer stored;
    Py_ssize_t size;
    unsigned int expected;
    if (!PyArg_ParseTuple(args, "y*nI", &stored, &size, &expected)) return NULL;
    if (size < 0 || (size_t)size >= (size_t)UINT32_MAX || (size_t)stored.len > (size_t)UINT32_MAX) {
        PyBuffer_Release(&stored);
        PyErr_SetString(PyExc_ValueError, "inflate: a size and stored bytes under 4 GiB");
        return NULL;
    }
    /* One byte more than declared, as the Python code asks zlib for: a stream that goes on is told apart. */
    PyObject *content = PyBytes_FromStringAndSize(NULL, size + 1);
    if (content == NULL) {
        PyBuffer_Release(&stored);
        return NULL;
    }
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(content);
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    int done = inflateInit2(&stream, -15);
    if (done != Z_OK) {
        Py_DECREF(content);
        PyBuffer_Release(&stored);
        return PyErr_NoMemory();
    }
    stream.next_in = (unsigned char *)stored.buf;
    stream.avail_in = (uInt)stored.len;
    stream.next_out = out;
    stream.avail_out = (uInt)(size + 1);
    int ended = 0;
    uint32_t crc = 0;
    Py_BEGIN_ALLOW_THREADS
    done = inflate(&stream, Z_FINISH);
    ended = done == Z_STREAM_END && stream.total_out == (uLong)size;
    if (ended) crc = ~running_crc(~(uint32_t)0, out, (size_t)size);
    Py_END_ALLOW_THREADS
    inflateEnd(&stream);
    PyBuffer_Release(&stored);
    if (!ended || crc != (uint32_t)expected) {
        Py_DECREF(content);
        Py_RETURN_NONE;
    }
    if (_PyBytes_Resize(&content, size) < 0) return NULL;
    return content;
}

static PyMethodDef methods[] = {
    {"inflate", inflate_member, METH_VARARGS,
     "inflate(stored, size, crc) -> the content of a deflated member, or None (see ooxml_package._inflate)."},
    {"crc32", crc32_of, METH_VARARGS, "crc32(data, value=0) -> the same value as zlib.crc32(data, value)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "marklint.parsers._marklint_zip", "The CRC-32 of ZIP members, folded with PCLMULQDQ.",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__marklint_zip(void) {
    make_table();
#ifdef FOLDING
    __builtin_cpu_init();
    can_fold = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
#endif
    PyObject *created = PyModule_Create(&module);
    if (created == NULL) return NULL;
    if (PyModule_AddStringConstant(created, "source_sha256", SOURCE_SHA256) < 0 ||
        PyModule_AddIntConstant(created, "folding",
#ifdef FOLDING
                                can_fold
#else
                                0
#endif
                                ) < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}
