/* _marklint_styles: the style start-tag scan of marklint.parsers.style_index (StyleIndex._scan), in C.
 *
 * Word's default template writes a 430 KB styles.xml with some 165 styles; finding each style's start tag,
 * reading it with a pattern and decoding its id cost more in Python than the rest of a short document's
 * reading. This module walks the same bytes once and decides exactly what the Python scan decides: the
 * first offset of each style id, the default paragraph and character styles, and "parse the part whole"
 * (None) wherever the Python scan returns False. The grammar of a start tag it takes is the pattern of
 * style_index._style_tags, written out by hand (every repetition there is possessive, so a plain forward
 * reading is the same reading); style_index keeps the Python scan as the tested fallback, used when this
 * module is not built or was built from another source.
 *
 * Safe on hostile bytes: every read is bounds-checked against the buffer's length, nothing recurses, and
 * the only allocations are the result's dict entries (one per distinct style id, each bounded by the part's
 * size, which the package limits bound).
 *
 * SOURCE_SHA256 is the SHA-256 of this file with the digest's own 64 characters written as zeros
 * (marklint.parsers.compiled.source_sha256); a binary built from other source is refused.
 */
#define SOURCE_SHA256 "c8729a39a93ea77217bd815d7c6738c5cc7d37f9d76cd5d7727a39726060296e"
#define PY_SSIZE_T_CLEAN
#define _GNU_SOURCE
#include <Python.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* [ \t\r\n]: the white space the pattern allows between attributes. */
static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* [A-Za-z_] and [\w.-] (ASCII \w: a bytes pattern). */
static int is_name_start(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static int is_name_char(unsigned char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* [^"&<>\t\r\n]: a value the parser reads as written. */
static int is_value_char(unsigned char c) {
    return c != '"' && c != '&' && c != '<' && c != '>' && c != '\t' && c != '\r' && c != '\n';
}

/* The first ``needle`` (``size`` >= 2 bytes) in ``data``, or NULL. Where SSE2 is there (every x86-64),
 * sixteen places are tried at once for the needle's first and last byte, and only those that hold both are
 * compared whole (about twice as fast as memmem on a style sheet, where "<" is frequent and "<w:style" is
 * not); the rest, and every other machine, use memmem. */
static const unsigned char *find(const unsigned char *data, Py_ssize_t length, const char *needle, Py_ssize_t size) {
    Py_ssize_t at = 0;
#if defined(__SSE2__)
    const __m128i first = _mm_set1_epi8(needle[0]), last = _mm_set1_epi8(needle[size - 1]);
    for (; at + size - 1 + 16 <= length; at += 16) {
        __m128i head = _mm_loadu_si128((const __m128i *)(data + at));
        __m128i tail = _mm_loadu_si128((const __m128i *)(data + at + size - 1));
        unsigned int both = (unsigned int)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(head, first), _mm_cmpeq_epi8(tail, last)));
        while (both != 0) {
            int bit = __builtin_ctz(both);
            if (memcmp(data + at + bit + 1, needle + 1, (size_t)(size - 2)) == 0) return data + at + bit;
            both &= both - 1;
        }
    }
#endif
    if (at >= length) return NULL;
    return memmem(data + at, (size_t)(length - at), needle, (size_t)size);
}

typedef struct {
    const unsigned char *data;
    Py_ssize_t size;
    const char *id_name; /* PREFIX:styleId=" */
    Py_ssize_t id_name_size;
    const char *default_name; /* PREFIX:default */
    Py_ssize_t default_name_size;
    const char *type_name; /* PREFIX:type */
    Py_ssize_t type_name_size;
} Scan;

/* The first value of the attributes that decide a default style, as (start, length); start -1: none. */
typedef struct {
    Py_ssize_t default_at, default_size, type_at, type_size;
} Defaults;

static int span_is(const Scan *scan, Py_ssize_t at, Py_ssize_t size, const char *text, Py_ssize_t text_size) {
    return size == text_size && memcmp(scan->data + at, text, (size_t)text_size) == 0;
}

/* _TAG_ATTRIBUTE at ``at``: [ \t\r\n]++(?!xmlns[:=])[A-Za-z_][\w.-]*+(?::[A-Za-z_][\w.-]*+)?+="[^"&<>\t\r\n]*+"
 * Its end, or -1 when it does not match there; notes the first default and type attributes in ``found``. */
static Py_ssize_t attribute(const Scan *scan, Py_ssize_t at, Defaults *found) {
    const unsigned char *d = scan->data;
    Py_ssize_t n = scan->size, q = at;
    while (q < n && is_space(d[q])) q++;
    if (q == at) return -1;
    if (n - q >= 6 && memcmp(d + q, "xmlns", 5) == 0 && (d[q + 5] == ':' || d[q + 5] == '=')) return -1;
    Py_ssize_t name_at = q;
    if (q >= n || !is_name_start(d[q])) return -1;
    q++;
    while (q < n && is_name_char(d[q])) q++;
    if (q + 1 < n && d[q] == ':' && is_name_start(d[q + 1])) {
        q += 2;
        while (q < n && is_name_char(d[q])) q++;
    }
    Py_ssize_t name_size = q - name_at;
    if (q + 1 >= n || d[q] != '=' || d[q + 1] != '"') return -1;
    q += 2;
    Py_ssize_t value_at = q;
    while (q < n && is_value_char(d[q])) q++;
    if (q >= n || d[q] != '"') return -1;
    if (found->default_at < 0 && span_is(scan, name_at, name_size, scan->default_name, scan->default_name_size)) {
        found->default_at = value_at;
        found->default_size = q - value_at;
    } else if (found->type_at < 0 && span_is(scan, name_at, name_size, scan->type_name, scan->type_name_size)) {
        found->type_at = value_at;
        found->type_size = q - value_at;
    }
    return q + 1;
}

/* [ \t\r\n]++PREFIX:styleId=" at ``at``: the end of it, or -1. */
static Py_ssize_t id_name(const Scan *scan, Py_ssize_t at) {
    Py_ssize_t q = at;
    while (q < scan->size && is_space(scan->data[q])) q++;
    if (q == at || scan->size - q < scan->id_name_size) return -1;
    return memcmp(scan->data + q, scan->id_name, (size_t)scan->id_name_size) == 0 ? q + scan->id_name_size : -1;
}

/* The pattern of style_index._style_tags after "<PREFIX:style" at ``at``.
 * Returns 1 with the id's span and the tag's end for a tag the plain reading takes, 0 for a start tag it
 * does not take (the pattern's second branch, [ \t\r\n/>]), -1 for no match at all (<w:styles...). */
static int style_tag(const Scan *scan, Py_ssize_t at, Py_ssize_t *id_at, Py_ssize_t *id_size, Py_ssize_t *end,
                     Defaults *found) {
    const unsigned char *d = scan->data;
    Py_ssize_t n = scan->size, q = at, next;
    found->default_at = found->type_at = -1;
    while (id_name(scan, q) < 0 && (next = attribute(scan, q, found)) >= 0) q = next;
    q = id_name(scan, q);
    if (q >= 0) {
        *id_at = q;
        while (q < n && is_value_char(d[q])) q++;
        if (q < n && d[q] == '"') {
            *id_size = q - *id_at;
            q++;
            while ((next = attribute(scan, q, found)) >= 0) q = next;
            while (q < n && is_space(d[q])) q++;
            if (q < n && d[q] == '>') {
                *end = q + 1;
                return 1;
            }
            if (q + 1 < n && d[q] == '/' && d[q + 1] == '>') {
                *end = q + 2;
                return 1;
            }
        }
    }
    return (at < n && (is_space(d[at]) || d[at] == '/' || d[at] == '>')) ? 0 : -1;
}

static int is_on(const Scan *scan, Py_ssize_t at, Py_ssize_t size) {
    return span_is(scan, at, size, "1", 1) || span_is(scan, at, size, "true", 4) || span_is(scan, at, size, "on", 2);
}

/* scan(data, start, prefix) -> (offsets, default paragraph style, default character style), or None. */
static PyObject *scan_styles(PyObject *self, PyObject *args) {
    Py_buffer data, prefix;
    Py_ssize_t start;
    if (!PyArg_ParseTuple(args, "y*ny*", &data, &start, &prefix)) return NULL;
    PyObject *result = NULL, *offsets = NULL, *paragraph = NULL, *character = NULL;
    char *names = NULL;
    Py_ssize_t p = prefix.len;
    if (start < 0 || p <= 0 || p > 1024) {
        PyErr_SetString(PyExc_ValueError, "scan: a start of at least 0 and a prefix of 1 to 1024 bytes");
        goto done;
    }
    /* "<PREFIX:style", "PREFIX:styleId=\"", "PREFIX:default", "PREFIX:type", one after another. */
    names = PyMem_Malloc((size_t)(4 * p + 40));
    if (names == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    char *opening = names, *id = opening + p + 8, *dflt = id + p + 10, *type = dflt + p + 8;
    opening[0] = '<';
    memcpy(opening + 1, prefix.buf, (size_t)p);
    memcpy(opening + 1 + p, ":style", 6);
    memcpy(id, prefix.buf, (size_t)p);
    memcpy(id + p, ":styleId=\"", 10);
    memcpy(dflt, prefix.buf, (size_t)p);
    memcpy(dflt + p, ":default", 8);
    memcpy(type, prefix.buf, (size_t)p);
    memcpy(type + p, ":type", 5);
    Py_ssize_t opening_size = p + 7;
    Scan scan = {data.buf, data.len, id, p + 10, dflt, p + 8, type, p + 5};
    offsets = PyDict_New();
    if (offsets == NULL) goto done;
    paragraph = Py_NewRef(Py_None);
    character = Py_NewRef(Py_None);
    Py_ssize_t at = start;
    while (at <= data.len - opening_size) {
        const unsigned char *hit = find(scan.data + at, data.len - at, opening, opening_size);
        if (hit == NULL) break;
        at = hit - scan.data;
        Py_ssize_t id_at = 0, id_size = 0, end = 0;
        Defaults found;
        int taken = style_tag(&scan, at + opening_size, &id_at, &id_size, &end, &found);
        if (taken < 0) {
            at += opening_size;
            continue;
        }
        if (taken == 0) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        PyObject *style_id = PyUnicode_DecodeUTF8((const char *)scan.data + id_at, id_size, "replace");
        if (style_id == NULL) goto done;
        PyObject *offset = PyLong_FromSsize_t(at);
        if (offset == NULL) {
            Py_DECREF(style_id);
            goto done;
        }
        PyObject *kept = PyDict_SetDefault(offsets, style_id, offset);
        Py_DECREF(offset);
        if (kept == NULL) {
            Py_DECREF(style_id);
            goto done;
        }
        if (found.default_at >= 0 && is_on(&scan, found.default_at, found.default_size) && found.type_at >= 0) {
            if (span_is(&scan, found.type_at, found.type_size, "paragraph", 9)) {
                if (paragraph == Py_None) Py_SETREF(paragraph, Py_NewRef(style_id));
            } else if (span_is(&scan, found.type_at, found.type_size, "character", 9)) {
                if (character == Py_None) Py_SETREF(character, Py_NewRef(style_id));
            }
        }
        Py_DECREF(style_id);
        at = end;
    }
    result = PyTuple_Pack(3, offsets, paragraph, character);
done:
    PyMem_Free(names);
    Py_XDECREF(offsets);
    Py_XDECREF(paragraph);
    Py_XDECREF(character);
    PyBuffer_Release(&data);
    PyBuffer_Release(&prefix);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan_styles, METH_VARARGS,
     "scan(data, start, prefix) -> (offsets, default paragraph style, default character style), or None when "
     "a style start tag after start needs the XML parser (style_index.StyleIndex._scan returns False)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "marklint.parsers._marklint_styles", "The style start tags of a styles.xml, found in C.",
    -1, methods,
};

PyMODINIT_FUNC PyInit__marklint_styles(void) {
    PyObject *created = PyModule_Create(&module);
    if (created != NULL && PyModule_AddStringConstant(created, "source_sha256", SOURCE_SHA256) < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}
