"""Why a file was not (completely) examined, said in the user's language.

A not-examined or partial document records a ``model.Reason``: its kind and the parser's detail in English
words (the JSON report's ``reason`` is the two joined, as the contract keeps them). ``say_reason`` shows it
in Chinese or English: the kind from the catalogue (``messages.REASONS``), the detail translated by
``DETAILS``; a detail no
pattern translates is left out of the Chinese text (the English text and the JSON keep it), so the
languages are never mixed.
"""

from __future__ import annotations

import regex

from marklint import regex_cache
from marklint.messages import REASONS, label
from marklint.model import Reason, ReasonKind

#: Parsers' details and their Chinese forms: (pattern over the whole detail, template). A template's
#: ``{name}`` is the pattern's group; ``{inner}`` is translated again (a page's own detail).
DETAILS: tuple[tuple[regex.Pattern, str], ...] = tuple((regex_cache.compile(pattern), zh) for pattern, zh in (
    (r"page (?P<page>\d+): (?P<inner>.+)", "第{page}页：{inner}"),
    (r"resources: (?P<inner>.+)", "资源：{inner}"),
    (r"legacy Word or WPS document \(\.doc/\.wps\)", "旧版 Word 或 WPS 文档（.doc/.wps）"),
    (r"legacy Excel or WPS workbook \(\.xls/\.et\)", "旧版 Excel 或 WPS 表格（.xls/.et）"),
    (r"legacy PowerPoint or WPS presentation \(\.ppt/\.dps\)", "旧版 PowerPoint 或 WPS 演示文稿（.ppt/.dps）"),
    (r"OLE compound file", "OLE 复合文件"),
    (r"password-protected Office document", "设有密码的 Office 文档"),
    (r"password-protected legacy Word document", "设有密码的旧版 Word 文档"),
    (r"a password is needed to open it", "需要密码才能打开"),
    (r"ZIP member (?P<name>.+) is encrypted", "ZIP 成员 {name} 已加密"),
    (r"cannot open the file", "无法打开文件"),
    (r"the cluster lost the worker judging its shard", "集群失去了检查其分片的工作进程"),
    (r"the cluster could not judge its shard", "集群未能检查其分片"),
    (r"not a readable PDF structure", "不是可读的 PDF 结构"),
    (r"PDFium error (?P<code>\d+)", "PDF 读取错误 {code}"),
    (r"no pages", "没有页面"),
    (r"page (?P<page>\d+) cannot be loaded", "第{page}页无法载入"),
    (r"page (?P<page>\d+) has an unreadable text layer", "第{page}页的文字层无法读取"),
    (r"page (?P<page>\d+) has (?P<count>\d+) glyphs in fonts without a Unicode map",
     "第{page}页有 {count} 个字形所在字体没有 Unicode 映射"),
    (r"page (?P<page>\d+) content, fonts and forms cannot be measured against (?P<limit>\d+) bytes",
     "第{page}页的内容、字体和表单无法按 {limit} 字节的限制衡量"),
    (r"page (?P<page>\d+) content, fonts and forms inflate to over (?P<limit>\d+) bytes",
     "第{page}页的内容、字体和表单解压后超过 {limit} 字节"),
    (r"empty file", "空文件"),
    (r"file size (?P<size>\d+) bytes", "文件大小 {size} 字节"),
    (r"content not recognised", "无法识别的内容"),
    (r"binary content, not text", "二进制内容，不是文本"),
    (r"neither UTF-8 nor GB18030 text", "既不是 UTF-8 也不是 GB18030 文本"),
    (r"(?P<kind>JPEG|PNG|TIFF|BMP|GIF) image", "{kind} 图片"),
    (r"RTF document", "RTF 文档"),
    (r"OpenDocument text", "OpenDocument 文本"),
    (r"Excel workbook", "Excel 工作簿"),
    (r"PowerPoint presentation", "PowerPoint 演示文稿"),
    (r"OFD document", "OFD 文档"),
    (r"Strict Open XML document", "Strict Open XML 文档"),
    (r"Office Open XML package without a Word document", "不含 Word 文档的 Office Open XML 包"),
    (r"ZIP archive without a Word document", "不含 Word 文档的 ZIP 压缩包"),
    (r"ZIP of type (?P<kind>.+)", "类型为 {kind} 的 ZIP 压缩包"),
    (r"bad ZIP archive", "ZIP 压缩包损坏"),
    (r"XML syntax error", "XML 语法错误"),
    (r"XML syntax error in (?P<part>.+)", "{part} 中有 XML 语法错误"),
    (r"DTD in (?P<part>.+)", "{part} 中有 DTD"),
    (r"XML prolog of (?P<part>.+) over (?P<limit>\d+) bytes", "{part} 的 XML 序言超过 {limit} 字节"),
    (r"XML depth", "XML 嵌套过深"),
    (r"XML node size in (?P<part>.+)", "{part} 中的 XML 节点过大"),
    (r"XML elements in (?P<part>.+)", "{part} 中的 XML 元素过多"),
    (r"(?P<count>\d+) ZIP members", "ZIP 成员 {count} 个"),
    (r"(?P<part>.+) is larger than declared or allowed", "{part} 大于声明或允许的大小"),
    (r"(?P<part>.+) is (?P<size>\d+) bytes uncompressed", "{part} 解压后 {size} 字节"),
    (r"(?P<part>.+) compression ratio", "{part} 的压缩比"),
    (r"total uncompressed size of the parts read", "所读部件解压后的总大小"),
    (r"the ZIP holds the part (?P<part>.+) twice", "ZIP 中部件 {part} 出现两次"),
    (r"both a PDF and a ZIP archive.*", "既是 PDF 又是 ZIP 压缩包"),
    (r"missing part (?P<part>.+)", "缺少部件 {part}"),
    (r"empty part path in (?P<part>.+)", "{part} 中有空的部件路径"),
    (r"part path (?P<path>.+) in (?P<part>.+) leaves the package", "{part} 中的部件路径 {path} 指向包外"),
    (r"OFD\.xml names no document", "OFD.xml 未指明文档"),
    (r"template (?P<id>.+) is not declared", "模板 {id} 未声明"),
    (r"over (?P<count>\d+) objects drawn on one page", "一页上绘制的对象超过 {count} 个"),
    (r"over (?P<count>\d+) characters on one page", "一页上的字符超过 {count} 个"),
    (r"over (?P<seconds>[\d.]+) s", "超过 {seconds} 秒"),
    (r"web archive without an HTML part", "不含 HTML 部分的网页归档"),
    (r"an attachment without its file", "附件缺少文件"),
    (r"attachment decodes past 75 MB", "附件解码后超过 75 MB"),
    (r"attachment cannot be decoded", "附件无法解码"),
    (r"attachments cannot be read", "附件无法读取"),
    (r"malformed content", "内容格式错误"),
    (r"more than (?P<n>\d+) short (?P<what>lines|paragraphs) with ★, 密 or 解 between the first (?P<first>\d+) and "
     r"the last (?P<last>\d+); those past it were not judged",
     "前 {first} 个与后 {last} 个之间含★、密或解的短行或段落超过 {n} 个，超出部分未检查"),
    (r"path not found", "路径不存在"),
    (r"image cannot be decoded", "图像无法解码"),
    (r"OCR is off \(--ocr off\); run with --ocr auto to read scans", "OCR 已关闭，使用 --ocr auto 可识别扫描件"),
    (r"OCR is not installed; pip install 'marklint\[ocr\]' to read scans",
     "未安装 OCR，执行 pip install 'marklint[ocr]' 后可识别扫描件"),
    (r"OCR read no text in the marking area of page 1", "OCR 未在第1页密级标志位置识别出文字"),
    (r"damaged OLE or Word structure", "OLE 或 Word 结构损坏"),
    (r"OLE directory nested too deep", "OLE 目录嵌套过深"),
    (r"Word 6/95 document \(before Word 97\), not read", "Word 6/95 文档（早于 Word 97），不读取"),
    (r"RTF document saved with a Word name \(RTF is not read\)", "以 Word 文件名保存的 RTF 文档（不读取 RTF）"),
    (r"Word 2003 XML document \(not read\)", "Word 2003 XML 文档（不读取）"),
    (r"Microsoft Works 1-3 document \(\.wps\), not Word's format", "Microsoft Works 1-3 文档（.wps），不是 Word 格式"),
    (r"not a Word binary document .*", "不是 Word 二进制文档"),
    (r"HTML of over (?P<size>\d+) bytes", "HTML 超过 {size} 字节"),
    (r"the document properties cannot be read", "文档属性无法读取"),
    (r"(?:the header story runs past the text; )?headers and footers not read.*", "页眉页脚未读取"),
    (r"sections not read.*", "分节未读取"),
    (r"(?:the \w+ story runs past the text; its )?text boxes not read.*", "文本框未读取"),
    (r"no (?P<name>\w+) stream", "缺少 {name} 流"),
    (r"the (?P<name>\w+) stream .*", "{name} 流损坏"),
    (r"truncated structure|truncated FIB|FIB too short|no Word binary FIB", "Word 文件头损坏"),
    (r"(?:the |empty |no )?piece table.*|the main text runs past the piece table", "Word 分段表损坏"),
    (r"PLC too large|PLC positions out of order|a table structure points past the table stream"
     r"|a formatting page lies past the WordDocument stream", "Word 表结构损坏"),
    (r"not a format that can carry a marking", "不是可载有密级标志的格式"),
    (r"a symlink, not followed \(--follow-symlinks follows it\)", "符号链接，未跟随（--follow-symlinks 可跟随）"),
    (r"a symlink to outside the folders given, not followed", "指向所给文件夹之外的符号链接，未跟随"),
    (r"a folder walked already by another path", "已经由另一路径检查过的文件夹"),
    (r"a pseudo file system \((?P<kind>[\w-]+)\), not walked", "伪文件系统（{kind}），未遍历"),
    (r"not a folder on the way", "路径中有不是文件夹的部分"),
    (r"more than (?P<count>\d+) embedded documents?", "嵌入文档超过 {count} 个"),
    (r"embedded more than (?P<count>\d+) deep", "嵌入层数超过 {count} 层"),
    (r"embedded documents over (?P<size>\d+) bytes.*", "嵌入文档超过 {size} 字节"),
    (r"not a regular file", "不是普通文件"),
    (r"a folder", "是文件夹"),
    (r"a folder that cannot be listed \((?P<inner>.+)\)", "无法列出的文件夹（{inner}）"),
    (r"a FIFO \(named pipe\), not a file", "是命名管道，不是文件"),
    (r"a socket, not a file", "是套接字，不是文件"),
    (r"a device, not a file", "是设备，不是文件"),
    (r"permission denied", "没有权限"),
    (r"no such file", "文件不存在"),
    (r"symlink loop", "符号链接循环"),
    (r"name too long", "文件名过长"),
    (r"I/O error", "输入输出错误"),
    (r"read error", "读取错误"),
    (r"internal error", "内部错误"),
    (r"internal error in the checks", "检查时发生内部错误"),
))


def translate_detail(detail: str) -> str | None:
    """The Chinese form of a parser's detail, or None where no pattern knows it."""
    for pattern, template in DETAILS:
        match = pattern.fullmatch(detail)
        if match is not None:
            values = match.groupdict()
            if "inner" in values:
                inner = translate_detail(values["inner"])
                if inner is None:
                    return None
                values["inner"] = inner
            return template.format(**values)
    return None


def say_reason(reason: Reason | None, lang: str) -> str:
    """A document's reason in ``lang``: in English as the JSON report says it, in Chinese the kind from the
    catalogue and the detail translated (an embedded document's name as it is)."""
    reason = reason or Reason(ReasonKind.UNREADABLE)
    if lang == "en":
        return str(reason)
    said = label(REASONS, reason.kind.value, "zh")
    if reason.kind is ReasonKind.EMBEDDED_PARTIAL:
        zh_detail: str | None = reason.detail
    else:
        zh_detail = translate_detail(reason.detail) if reason.detail else None
    return f"{said}（{zh_detail}）" if zh_detail else said
