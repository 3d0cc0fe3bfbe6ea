/* _marklint_crc: the CRC-32 of a ZIP member (zlib.crc32's value), with carry-less multiplication.
 *
 * Every part marklint inflates is checked against the CRC its ZIP entry declares (ooxml_package._inflate),
 * as zipfile checks it. Word's default template brings a 430 KB styles.xml into every document, and zlib's
 * table-driven CRC of it cost about a tenth of a millisecond, a twentieth of reading a short document. On a
 * processor with PCLMULQDQ (x86-64 since 2010) the buffer is folded sixteen bytes at a time (the method of
 * Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction", with the constants
 * of the reflected polynomial 0xEDB88320 as zlib and the Linux kernel use them); elsewhere, and for the
 * last bytes, a byte-wise table. The value is zlib.crc32's, byte for byte (tests hold the two equal on
 * every length up to a few hundred bytes and on whole parts); ooxml_package falls back to zlib.crc32 when
 * this module is not built or was built from another source.
 *
 * SOURCE_SHA256 is the SHA-256 of this file with the digest's own 64 characters written as zeros
 * (marklint.parsers.compiled.source_sha256); a binary built from other source is refused.
 */
#define SOURCE_SHA256 "c717e2b5b249bc8a1d3c3dd6bb3898717966888ed090f01427f1be3a049d7912"
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

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

/* crc32(data, value=0) -> zlib.crc32(data, value). */
static PyObject *crc32(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer data;
    unsigned int value = 0;
    if (!PyArg_ParseTuple(args, "y*|I", &data, &value)) return NULL;
    const unsigned char *at = data.buf;
    size_t size = (size_t)data.len;
    uint32_t crc = ~(uint32_t)value;
    Py_BEGIN_ALLOW_THREADS
#ifdef FOLDING
    if (can_fold && size >= 64) {
        size_t whole = size & ~(size_t)15;
        crc = folded(crc, at, whole);
        at += whole;
        size -= whole;
    }
#endif
    crc = bytewise(crc, at, size);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    return PyLong_FromUnsignedLong((unsigned long)~crc);
}

static PyMethodDef methods[] = {
    {"crc32", crc32, METH_VARARGS, "crc32(data, value=0) -> the same value as zlib.crc32(data, value)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "marklint.parsers._marklint_crc", "The CRC-32 of ZIP members, folded with PCLMULQDQ.",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__marklint_crc(void) {
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
