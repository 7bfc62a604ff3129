"""Writes .xlsx workbooks as Excel does (shared strings, the workbook part, its relationships, one part per
sheet), for the HECVAT end-to-end tests and Benchmarks/hecvat.py."""
import io
import zipfile

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def column(n):
    name = ""
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def workbook(sheets):
    """`sheets` is a list of (name, rows); each row lists its cells from column A, "" leaving one out."""
    shared, index = [], {}
    parts = []
    for number, (_, rows) in enumerate(sheets, 1):
        cells = []
        for r, row in enumerate(rows, 1):
            cells.append(f'<row r="{r}">')
            for c, text in enumerate(row, 1):
                if not text:
                    continue
                if text not in index:
                    index[text] = len(shared)
                    shared.append(text)
                cells.append(f'<c r="{column(c)}{r}" t="s"><v>{index[text]}</v></c>')
            cells.append("</row>")
        parts.append((f"xl/worksheets/sheet{number}.xml", f"<worksheet {NS}><sheetData>" + "".join(cells) + "</sheetData></worksheet>"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   + "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, 1)) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i}" Type="worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
                   + "</Relationships>")
        z.writestr("xl/sharedStrings.xml", f"<sst {NS}>" + "".join(f"<si><t>{t}</t></si>" for t in shared) + "</sst>")
        for name, text in parts:
            z.writestr(name, text)
    return buffer.getvalue()
