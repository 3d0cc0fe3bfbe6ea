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
#define SOURCE_SHA256 "887d5fff122588a4ec1d777f352f6389b8e21b9c0734037ac5a9a071c060b125"
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

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

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS,
     "bind(*addresses): the PDFium functions, in the order pdf_glyphs passes them."},
    {"records", records, METH_O, "records(text_page_address) -> bytes of packed character records."},
    {"look", look, METH_VARARGS, "look(text_page_address, index) -> what PDFium says of the character's text object."},
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
