/* _marklint_chars: the per-character loop of marklint.parsers.pdf_glyphs, in C.
 *
 * Reading a page's characters through ctypes costs three or four foreign calls a character, and those
 * calls are most of what marklint spends on a PDF beyond PDFium's own work. This module makes the same
 * calls from C, through the addresses of the PDFium functions that pypdfium2 has already loaded (so it
 * links against nothing), and hands the records back in one bytes object. It decides nothing: what a
 * record means is left to pdf_glyphs, and the pure-Python loop there produces the very same records
 * when this module is not built. It is marklint.parsers._marklint_chars, built beside this file (an
 * editable install builds it in place).
 *
 * SOURCE_SHA256 is the SHA-256 of this file with the digest's own 64 characters written as zeros;
 * pdf_glyphs compares it with the source shipped beside the binary and refuses a binary built from other
 * source (the Python loop runs then). tests/test_embedding.py checks that it is up to date.
 */
#define SOURCE_SHA256 "e845f154a334fc36f3d7de6f1d1c9c3615b482eea41f9c8dabca4bceaec0dd1c"
#define PY_SSIZE_T_CLEAN
#define _GNU_SOURCE /* memmem */
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* The object walk computes as pdf_glyphs._ObjectScan does, each float operation rounded on its own. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* FS_RECTF, as fpdfview.h lays it out. */
typedef struct {
    float left, top, right, bottom;
} RectF;

typedef int (*CountChars)(void *text_page);
typedef unsigned int (*GetUnicode)(void *text_page, int index);
typedef int (*IsGenerated)(void *text_page, int index);
typedef void *(*GetTextObject)(void *text_page, int index);
typedef int (*GetLooseCharBox)(void *text_page, int index, RectF *rect);
typedef int (*HasUnicodeMapError)(void *text_page, int index);
typedef unsigned long (*GetFontInfo)(void *text_page, int index, void *buffer, unsigned long length, int *flags);
typedef int (*GetMatrix)(void *text_page, int index, float matrix[6]);
typedef double (*GetFontSize)(void *text_page, int index);
typedef int (*GetFillColor)(void *text_page, int index, unsigned int *r, unsigned int *g, unsigned int *b,
                            unsigned int *a);

/* The longest font name read, as pdf_glyphs reads it. */
#define FONT_NAME_BYTES 256

/* One record; pdf_glyphs.RECORD unpacks it ("=iIQiffff", native order, no padding). */
#pragma pack(push, 1)
typedef struct {
    int32_t index;
    uint32_t code;
    uint64_t text_object;
    int32_t has_box;
    float left, bottom, right, top;
} Record;
#pragma pack(pop)

static CountChars count_chars;
static GetUnicode get_unicode;
static IsGenerated is_generated;
static GetTextObject get_text_object;
static GetLooseCharBox get_loose_char_box;
static HasUnicodeMapError has_unicode_map_error;
static GetFontInfo get_font_info;
static GetMatrix get_matrix;
static GetFontSize get_font_size;
static GetFillColor get_fill_color;

static PyObject *bind(PyObject *self, PyObject *args) {
    unsigned long long count, unicode, generated, text_object, loose_box, map_error, font_info, matrix, font_size,
        fill_color;
    if (!PyArg_ParseTuple(args, "KKKKKKKKKK", &count, &unicode, &generated, &text_object, &loose_box, &map_error,
                          &font_info, &matrix, &font_size, &fill_color))
        return NULL;
    if (!count || !unicode || !generated || !text_object || !loose_box || !map_error || !font_info || !matrix
        || !font_size || !fill_color) {
        PyErr_SetString(PyExc_ValueError, "a PDFium function address is 0");
        return NULL;
    }
    count_chars = (CountChars)(uintptr_t)count;
    get_unicode = (GetUnicode)(uintptr_t)unicode;
    is_generated = (IsGenerated)(uintptr_t)generated;
    get_text_object = (GetTextObject)(uintptr_t)text_object;
    get_loose_char_box = (GetLooseCharBox)(uintptr_t)loose_box;
    has_unicode_map_error = (HasUnicodeMapError)(uintptr_t)map_error;
    get_font_info = (GetFontInfo)(uintptr_t)font_info;
    get_matrix = (GetMatrix)(uintptr_t)matrix;
    get_font_size = (GetFontSize)(uintptr_t)font_size;
    get_fill_color = (GetFillColor)(uintptr_t)fill_color;
    Py_RETURN_NONE;
}

/* Records of a text page's characters, line breaks and PDFium's own spaces left out. */
static PyObject *records(PyObject *self, PyObject *arg) {
    if (!count_chars) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return NULL;
    }
    void *text_page = PyLong_AsVoidPtr(arg);
    if (!text_page) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "the text page is NULL");
        return NULL;
    }
    int count = count_chars(text_page);
    if (count < 0)
        count = 0;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)count * (Py_ssize_t)sizeof(Record));
    if (!out)
        return NULL;
    Record *record = (Record *)PyBytes_AS_STRING(out);
    Py_ssize_t kept = 0;
    for (int index = 0; index < count; index++) {
        unsigned int code = get_unicode(text_page, index);
        if (code == 0x0D || code == 0x0A)
            continue;
        if (code == 0x20 && is_generated(text_page, index))
            continue;
        RectF box = {0.0f, 0.0f, 0.0f, 0.0f};
        Record *r = &record[kept++];
        r->index = index;
        r->code = code;
        r->text_object = (uint64_t)(uintptr_t)get_text_object(text_page, index);
        r->has_box = get_loose_char_box(text_page, index, &box) ? 1 : 0;
        r->left = box.left;
        r->bottom = box.bottom;
        r->right = box.right;
        r->top = box.top;
    }
    if (_PyBytes_Resize(&out, kept * (Py_ssize_t)sizeof(Record)) < 0)
        return NULL;
    return out;
}

/* What PDFium says of the text object that draws character ``index``, as pdf_glyphs._python_look asks it:
 * (map error, font name or None, matrix found, a, c, d, font size, colour found, red, green, blue). */
static PyObject *look(PyObject *self, PyObject *args) {
    unsigned long long address;
    int index;
    if (!PyArg_ParseTuple(args, "Ki", &address, &index))
        return NULL;
    if (!has_unicode_map_error) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return NULL;
    }
    void *text_page = (void *)(uintptr_t)address;
    if (!text_page) {
        PyErr_SetString(PyExc_ValueError, "the text page is NULL");
        return NULL;
    }
    int map_error = has_unicode_map_error(text_page, index);
    char name[FONT_NAME_BYTES];
    int flags = 0;
    unsigned long length = get_font_info(text_page, index, name, sizeof name, &flags);
    PyObject *font;
    if (length > 0 && length <= sizeof name && name[0]) {
        font = PyBytes_FromStringAndSize(name, (Py_ssize_t)strnlen(name, sizeof name));
        if (!font)
            return NULL;
    } else {
        font = Py_NewRef(Py_None);
    }
    float matrix[6] = {0, 0, 0, 0, 0, 0};
    int has_matrix = get_matrix(text_page, index, matrix) ? 1 : 0;
    double size = get_font_size(text_page, index);
    unsigned int red = 0, green = 0, blue = 0, alpha = 0;
    int has_color = get_fill_color(text_page, index, &red, &green, &blue, &alpha) ? 1 : 0;
    return Py_BuildValue("iNiddddiIII", map_error, font, has_matrix, (double)matrix[0], (double)matrix[2],
                         (double)matrix[3], size, has_color, red, green, blue);
}

/* --- the object walk: pdf_glyphs._ObjectScan in C ------------------------------------------------------- */

typedef int (*CountObjects)(void *page);
typedef void *(*GetObject)(void *page, int index);
typedef int (*GetType)(void *object);
typedef int (*GetBounds)(void *object, float *left, float *bottom, float *right, float *top);
typedef int (*GetObjectMatrix)(void *object, float matrix[6]);
typedef int (*FormCount)(void *object);
typedef void *(*FormObject)(void *object, unsigned long index);

static CountObjects count_objects;
static GetObject page_object;
static GetType object_type;
static GetBounds object_bounds;
static GetObjectMatrix object_matrix;
static FormCount form_count;
static FormObject form_object;

static PyObject *bind_objects(PyObject *self, PyObject *args) {
    unsigned long long count, object, type, bounds, matrix, form_objects, form_at;
    if (!PyArg_ParseTuple(args, "KKKKKKK", &count, &object, &type, &bounds, &matrix, &form_objects, &form_at))
        return NULL;
    if (!count || !object || !type || !bounds || !matrix || !form_objects || !form_at) {
        PyErr_SetString(PyExc_ValueError, "a PDFium function address is 0");
        return NULL;
    }
    count_objects = (CountObjects)(uintptr_t)count;
    page_object = (GetObject)(uintptr_t)object;
    object_type = (GetType)(uintptr_t)type;
    object_bounds = (GetBounds)(uintptr_t)bounds;
    object_matrix = (GetObjectMatrix)(uintptr_t)matrix;
    form_count = (FormCount)(uintptr_t)form_objects;
    form_object = (FormObject)(uintptr_t)form_at;
    Py_RETURN_NONE;
}

typedef struct {
    int rotation;
    double left, bottom, right, top; /* pdf_glyphs.Frame */
    double thickness;                /* glyphs.STRIKE_MAX_THICKNESS */
    int image, path, form;           /* FPDF_PAGEOBJ_IMAGE, _PATH, _FORM */
    long budget;
    int has_image;
    PyObject *strikes, *rules;
} Walk;

static double py_max(double a, double b) { return b > a ? b : a; } /* builtins.max(a, b) */
static double py_min(double a, double b) { return b < a ? b : a; } /* builtins.min(a, b) */

/* Appends (a, b, c) to list; 0, or -1 on error. */
static int append_triple(PyObject *list, double a, double b, double c) {
    PyObject *item = Py_BuildValue("(ddd)", a, b, c);
    if (!item)
        return -1;
    int failed = PyList_Append(list, item);
    Py_DECREF(item);
    return failed;
}

/* pdf_glyphs._ObjectScan._path */
static int walk_path(Walk *w, void *object, const double m[6]) {
    float left, bottom, right, top;
    if (!object_bounds(object, &left, &bottom, &right, &top))
        return 0;
    double corners[4][2] = {{left, bottom}, {left, top}, {right, bottom}, {right, top}};
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    for (int k = 0; k < 4; k++) {
        double x = corners[k][0], y = corners[k][1];
        double px = m[0] * x + m[2] * y + m[4], py = m[1] * x + m[3] * y + m[5];
        if (k == 0) {
            min_x = max_x = px, min_y = max_y = py;
        } else {
            min_x = py_min(min_x, px), max_x = py_max(max_x, px);
            min_y = py_min(min_y, py), max_y = py_max(max_y, py);
        }
    }
    double l = min_x, b = min_y, r = max_x, t = max_y, x0, y0, x1, y1; /* Frame.box */
    if (w->rotation == 1) {
        x0 = b - w->bottom, y0 = l - w->left, x1 = t - w->bottom, y1 = r - w->left;
    } else if (w->rotation == 2) {
        x0 = w->right - r, y0 = b - w->bottom, x1 = w->right - l, y1 = t - w->bottom;
    } else if (w->rotation == 3) {
        x0 = w->top - t, y0 = w->right - r, x1 = w->top - b, y1 = w->right - l;
    } else {
        x0 = l - w->left, y0 = w->top - t, x1 = r - w->left, y1 = w->top - b;
    }
    double height = y1 - y0, width = x1 - x0;
    if (height <= w->thickness && width >= py_max(1.0, 3 * height))
        return append_triple(w->strikes, (y0 + y1) / 2, x0, x1);
    if (width <= w->thickness && height >= py_max(1.0, 3 * width))
        return append_triple(w->rules, (x0 + x1) / 2, y0, y1);
    return 0;
}

/* pdf_glyphs._ObjectScan._walk over ``count`` objects of a page (form NULL) or of a form; 0, or -1 on error.
 * Recursion ends at depth 0 (MAX_FORM_DEPTH levels at most). */
static int walk(Walk *w, void *page, void *form, int count, const double m[6], int depth) {
    for (int i = 0; i < count; i++) {
        void *object = form ? form_object(form, (unsigned long)i) : page_object(page, i);
        if (w->budget <= 0)
            return 0;
        w->budget--;
        int kind = object_type(object);
        if (kind == w->image) {
            w->has_image = 1;
        } else if (kind == w->path) {
            if (walk_path(w, object, m) < 0)
                return -1;
        } else if (kind == w->form && depth > 0) {
            double inner[6] = {m[0], m[1], m[2], m[3], m[4], m[5]};
            float f[6] = {0, 0, 0, 0, 0, 0};
            if (object_matrix(object, f)) { /* pdf_glyphs._concat(f, m) */
                double a1 = f[0], b1 = f[1], c1 = f[2], d1 = f[3], e1 = f[4], f1 = f[5];
                inner[0] = a1 * m[0] + b1 * m[2], inner[1] = a1 * m[1] + b1 * m[3];
                inner[2] = c1 * m[0] + d1 * m[2], inner[3] = c1 * m[1] + d1 * m[3];
                inner[4] = e1 * m[0] + f1 * m[2] + m[4], inner[5] = e1 * m[1] + f1 * m[3] + m[5];
            }
            long inside = form_count(object);
            if (inside > w->budget)
                inside = w->budget;
            if (inside > 0 && walk(w, NULL, object, (int)inside, inner, depth - 1) < 0)
                return -1;
        }
    }
    return 0;
}

/* objects(page, rotation, left, bottom, right, top, thickness, image, path, form, budget, depth)
 * -> (strikes, rules, has_image), unsorted, as pdf_glyphs._ObjectScan.page collects them. */
static PyObject *objects(PyObject *self, PyObject *args) {
    unsigned long long address;
    Walk w = {0};
    int depth;
    if (!PyArg_ParseTuple(args, "Kidddddiiili", &address, &w.rotation, &w.left, &w.bottom, &w.right, &w.top,
                          &w.thickness, &w.image, &w.path, &w.form, &w.budget, &depth))
        return NULL;
    if (!count_objects) {
        PyErr_SetString(PyExc_RuntimeError, "bind_objects() was not called");
        return NULL;
    }
    void *page = (void *)(uintptr_t)address;
    if (!page) {
        PyErr_SetString(PyExc_ValueError, "the page is NULL");
        return NULL;
    }
    if (depth < 0)
        depth = 0;
    if (depth > 16)
        depth = 16;
    w.strikes = PyList_New(0);
    w.rules = PyList_New(0);
    PyObject *result = NULL;
    if (w.strikes && w.rules) {
        static const double identity[6] = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
        long count = count_objects(page);
        if (count > w.budget)
            count = w.budget;
        if (walk(&w, page, NULL, count > 0 ? (int)count : 0, identity, depth) == 0)
            result = Py_BuildValue("OOO", w.strikes, w.rules, w.has_image ? Py_True : Py_False);
    }
    Py_XDECREF(w.strikes);
    Py_XDECREF(w.rules);
    return result;
}

/* --- Info entries: pdf_metadata._meta_text for each key ------------------------------------------------- */

typedef unsigned long (*GetMetaText)(void *document, const char *tag, void *buffer, unsigned long length);
static GetMetaText get_meta_text;

static PyObject *bind_metadata(PyObject *self, PyObject *arg) {
    void *address = PyLong_AsVoidPtr(arg);
    if (!address) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "a PDFium function address is 0");
        return NULL;
    }
    get_meta_text = (GetMetaText)(uintptr_t)address;
    Py_RETURN_NONE;
}

/* meta_texts(document_address, keys) -> each key's Info value decoded from UTF-16LE (errors replaced), ""
 * where PDFium has none; as pdf_metadata._meta_text reads them, unstripped. */
static PyObject *meta_texts(PyObject *self, PyObject *args) {
    unsigned long long address;
    PyObject *keys;
    if (!PyArg_ParseTuple(args, "KO!", &address, &PyTuple_Type, &keys))
        return NULL;
    if (!get_meta_text) {
        PyErr_SetString(PyExc_RuntimeError, "bind_metadata() was not called");
        return NULL;
    }
    void *document = (void *)(uintptr_t)address;
    if (!document) {
        PyErr_SetString(PyExc_ValueError, "the document is NULL");
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(keys);
    PyObject *values = PyList_New(count);
    if (!values)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *key = PyTuple_GET_ITEM(keys, i), *value;
        if (!PyBytes_Check(key)) {
            Py_DECREF(values);
            PyErr_SetString(PyExc_TypeError, "meta_texts: each key must be bytes");
            return NULL;
        }
        const char *tag = PyBytes_AS_STRING(key);
        unsigned long length = get_meta_text(document, tag, NULL, 0);
        if (length > (unsigned long)PY_SSIZE_T_MAX) {
            Py_DECREF(values);
            return PyErr_NoMemory(); /* as a buffer that large fails in Python */
        }
        if (length <= 2) {
            value = PyUnicode_New(0, 0);
        } else {
            char *buffer = PyMem_Malloc(length);
            if (!buffer) {
                Py_DECREF(values);
                return PyErr_NoMemory();
            }
            memset(buffer, 0, length); /* as ctypes.create_string_buffer hands it over */
            get_meta_text(document, tag, buffer, length);
            int order = -1; /* little-endian: "utf-16-le" */
            value = PyUnicode_DecodeUTF16(buffer, (Py_ssize_t)(length - 2), "replace", &order);
            PyMem_Free(buffer);
        }
        if (!value) {
            Py_DECREF(values);
            return NULL;
        }
        PyList_SET_ITEM(values, i, value);
    }
    return values;
}

/* --- searching a file's bytes: bytes.find and bytes.rfind, through the C library's memmem ----------------- */

#if defined(__GLIBC__) || defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
#define first_match(haystack, length, needle, size) memmem((haystack), (length), (needle), (size))
#else
static void *first_match(const void *haystack, size_t length, const void *needle, size_t size) {
    const char *h = haystack, *end = h + length;
    const unsigned char lead = *(const unsigned char *)needle;
    while (length >= size) {
        const char *at = memchr(h, lead, length - size + 1);
        if (!at)
            return NULL;
        if (!memcmp(at, needle, size))
            return (void *)at;
        h = at + 1;
        length = (size_t)(end - h);
    }
    return NULL;
}
#endif

/* find(buffer, needle, start) -> the first offset of needle at or after start, or -1 (bytes.find). */
static PyObject *find(PyObject *self, PyObject *args) {
    Py_buffer haystack, needle;
    Py_ssize_t start = 0, found = -1;
    if (!PyArg_ParseTuple(args, "y*y*|n", &haystack, &needle, &start))
        return NULL;
    if (start < 0)
        start = start + haystack.len < 0 ? 0 : start + haystack.len;
    if (start <= haystack.len) {
        if (needle.len == 0) {
            found = start;
        } else {
            const char *at = first_match((const char *)haystack.buf + start, (size_t)(haystack.len - start), needle.buf,
                                         (size_t)needle.len);
            found = at ? at - (const char *)haystack.buf : -1;
        }
    }
    PyBuffer_Release(&haystack);
    PyBuffer_Release(&needle);
    return PyLong_FromSsize_t(found);
}

/* The last place in haystack where its first `size` bytes equal needle's, or NULL: walked back from the end,
 * the needle's first byte found by memrchr, so a needle near the end (a ZIP end record, an XMP packet) costs
 * no pass over the file. */
static const char *last_match(const char *haystack, size_t length, const char *needle, size_t size) {
    if (size > length)
        return NULL;
    size_t span = length - size + 1; /* the places a match can start: haystack[0 .. span - 1] */
    const unsigned char lead = (unsigned char)needle[0];
    while (span > 0) {
#if defined(__GLIBC__)
        const char *at = memrchr(haystack, lead, span);
        if (at == NULL)
            return NULL;
#else
        size_t place = span;
        while (place > 0 && (unsigned char)haystack[place - 1] != lead)
            place--;
        if (place == 0)
            return NULL;
        const char *at = haystack + place - 1;
#endif
        if (!memcmp(at, needle, size))
            return at;
        span = (size_t)(at - haystack);
    }
    return NULL;
}

/* rfind(buffer, needle) -> the last offset of needle, or -1 (bytes.rfind). */
static PyObject *rfind(PyObject *self, PyObject *args) {
    Py_buffer haystack, needle;
    Py_ssize_t found = -1;
    if (!PyArg_ParseTuple(args, "y*y*", &haystack, &needle))
        return NULL;
    if (needle.len == 0) {
        found = haystack.len;
    } else {
        const char *at = last_match(haystack.buf, (size_t)haystack.len, needle.buf, (size_t)needle.len);
        found = at ? at - (const char *)haystack.buf : -1;
    }
    PyBuffer_Release(&haystack);
    PyBuffer_Release(&needle);
    return PyLong_FromSsize_t(found);
}

/* name_offsets(buffer, names, most) -> one list per name: its offsets in buffer, ascending, at most most[i].
 * The names share their first byte (a PDF name's slash): one pass finds that byte with memchr and compares
 * each name there, where searching for each name would pass over the file once per name. */
#define MAX_NAMES 16

static PyObject *name_offsets(PyObject *self, PyObject *args) {
    Py_buffer haystack;
    PyObject *names, *most, *result = NULL;
    Py_ssize_t count, i, caps[MAX_NAMES], sizes[MAX_NAMES], wanted = 0;
    const char *texts[MAX_NAMES];
    if (!PyArg_ParseTuple(args, "y*O!O!", &haystack, &PyTuple_Type, &names, &PyTuple_Type, &most))
        return NULL;
    count = PyTuple_GET_SIZE(names);
    if (count < 1 || count > MAX_NAMES || PyTuple_GET_SIZE(most) != count) {
        PyErr_SetString(PyExc_ValueError, "1 to 16 names, and one most for each");
        goto done;
    }
    for (i = 0; i < count; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        if (!PyBytes_Check(name) || PyBytes_GET_SIZE(name) < 1) {
            PyErr_SetString(PyExc_TypeError, "names must be non-empty bytes");
            goto done;
        }
        texts[i] = PyBytes_AS_STRING(name);
        sizes[i] = PyBytes_GET_SIZE(name);
        if (texts[i][0] != texts[0][0]) {
            PyErr_SetString(PyExc_ValueError, "names must share their first byte");
            goto done;
        }
        caps[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(most, i));
        if (caps[i] == -1 && PyErr_Occurred())
            goto done;
        if (caps[i] > 0)
            wanted += 1;
    }
    result = PyTuple_New(count);
    if (result == NULL)
        goto done;
    for (i = 0; i < count; i++) {
        PyObject *list = PyList_New(0);
        if (list == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyTuple_SET_ITEM(result, i, list);
    }
    {
        const char *base = haystack.buf, *at = base, *end = base + haystack.len;
        while (wanted > 0 && at < end && (at = memchr(at, (unsigned char)texts[0][0], (size_t)(end - at))) != NULL) {
            Py_ssize_t left = end - at, offset = at - base;
            for (i = 0; i < count; i++) {
                PyObject *list = PyTuple_GET_ITEM(result, i);
                if (PyList_GET_SIZE(list) >= caps[i] || sizes[i] > left || memcmp(at, texts[i], (size_t)sizes[i]))
                    continue;
                PyObject *value = PyLong_FromSsize_t(offset);
                if (value == NULL || PyList_Append(list, value) < 0) {
                    Py_XDECREF(value);
                    Py_CLEAR(result);
                    goto done;
                }
                Py_DECREF(value);
                if (PyList_GET_SIZE(list) >= caps[i])
                    wanted -= 1;
            }
            at++;
        }
    }
done:
    PyBuffer_Release(&haystack);
    return result;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS,
     "bind(*addresses): the PDFium functions, in the order pdf_glyphs passes them."},
    {"records", records, METH_O, "records(text_page_address) -> bytes of packed character records."},
    {"look", look, METH_VARARGS, "look(text_page_address, index) -> what PDFium says of the character's text object."},
    {"find", find, METH_VARARGS, "find(buffer, needle, start=0) -> offset or -1, as bytes.find."},
    {"rfind", rfind, METH_VARARGS, "rfind(buffer, needle) -> offset or -1, as bytes.rfind."},
    {"name_offsets", name_offsets, METH_VARARGS,
     "name_offsets(buffer, names, most) -> for each name its offsets, ascending, at most most[i] of them."},
    {"bind_metadata", bind_metadata, METH_O, "bind_metadata(address): FPDF_GetMetaText."},
    {"meta_texts", meta_texts, METH_VARARGS,
     "meta_texts(document_address, keys) -> each key's Info value as PDFium gives it, or \"\"."},
    {"bind_objects", bind_objects, METH_VARARGS,
     "bind_objects(*addresses): the PDFium functions of the object walk, in the order pdf_glyphs passes them."},
    {"objects", objects, METH_VARARGS,
     "objects(page_address, rotation, left, bottom, right, top, thickness, image, path, form, budget, depth)"
     " -> (strikes, rules, has_image)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "marklint.parsers._marklint_chars", "A page's character records from PDFium, read in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__marklint_chars(void) {
    PyObject *created = PyModule_Create(&module);
    if (created != NULL && PyModule_AddStringConstant(created, "source_sha256", SOURCE_SHA256) < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}
