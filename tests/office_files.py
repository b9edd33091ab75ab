"""Office files laid out like published power lists (written here, not copied from anywhere).

Each function writes one file and returns its path; the layouts follow what county and district lists
look like: title rows above the header, section rows between data rows, two-level and merged headers,
merged 实施主体 cells, codes with leading zeros, several departments in one sheet.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
import openpyxl
import xlwt

DISTRICT_HEADER = [
    "序号",
    "中央行政许可事项清单(2022年版)序号",
    "区级主管部门",
    "事项名称",
    "实施机关",
    "设定和实施依据",
    "备注",
]
DISTRICT_ROWS = [
    ["1", "1、729", "区文化和广电旅游体育局", "娱乐场所经营审批*", "区文化和广电旅游体育局",
     "《娱乐场所管理条例》第九条；《中华人民共和国行政许可法》第十二条第一款第（三）项", ""],
    ["2", "730", "区文化和广电旅游体育局", "营业性演出审批", "区文化和广电旅游体育局",
     "1.《营业性演出管理条例》第六条\n2.《营业性演出管理条例实施细则》第五条、第六条", "含临时演出"],
    ["3", "", "区城市管理局", "临时占用城市道路审批", "区城市管理局", "《城市道路管理条例》第三十条至第三十二条", ""],
    ["4", "", "区城市管理局", "城市建筑垃圾处置核准", "区城市管理局",
     "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）第101项", ""],
    ["5", "", "区城市管理局", "户外广告设施设置审批", "区城市管理局", "", "依据待查"],
]  # fmt: skip


def district_xlsx(folder: Path) -> Path:
    """杭州上城区 style: one sheet for every department of the district, a merged title row."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "行政许可"
    sheet.append(["上城区行政许可事项清单（2023年版）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(DISTRICT_HEADER))
    sheet.append(DISTRICT_HEADER)
    for row in DISTRICT_ROWS:
        sheet.append(row)
    path = folder / "上城区行政许可事项清单.xlsx"
    book.save(path)
    return path


COUNTY_HEADER = ["序号", "事项名称", "主管部门", "实施机关", "设定依据", "实施依据", "备注"]
COUNTY_ROWS = [
    ["一、实施的中央层面设定的行政许可事项"],
    ["1", "公共场所卫生许可", "县卫生健康局", "县卫生健康局", "《公共场所卫生管理条例》第四条",
     "《公共场所卫生管理条例实施细则》第二十二条", ""],
    ["2", "医疗机构执业登记", "县卫生健康局", "县卫生健康局", "《医疗机构管理条例》第九条", "", ""],
    ["二、行政处罚"],
    ["3", "对未取得卫生许可证擅自营业的处罚", "县卫生健康局", "县卫生健康局", "",
     "《公共场所卫生管理条例实施细则》第三十五条", ""],
    ["4", "对饮用水供水单位违法行为的处罚", "县卫生健康局", "县卫生健康局", "", "", "待核实"],
]  # fmt: skip


def _county_table() -> list[list[str]]:
    width = len(COUNTY_HEADER)
    return [["西昌县卫生健康局权责清单"], COUNTY_HEADER] + [r + [""] * (width - len(r)) for r in COUNTY_ROWS]


def county_xls(folder: Path) -> Path:
    """西昌 style as Excel 97-2003 (.xls), the section rows merged across the table."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("权责清单")
    rows = _county_table()
    width = len(COUNTY_HEADER)
    for r, row in enumerate(rows):
        if len([c for c in row if c]) == 1 and r != 1:
            sheet.write_merge(r, r, 0, width - 1, row[0])
            continue
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = folder / "西昌县卫生健康局权责清单.xls"
    book.save(str(path))
    return path


def county_csv(folder: Path, encoding: str) -> Path:
    """The same table as Excel saves CSV: GBK on a Chinese Windows ("gbk"), or UTF-8 with a BOM."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(_county_table())
    path = folder / f"卫生健康局-{encoding}.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    return path


WORD_HEADER = ["序号", "事项名称", "事项类型", "办理主体", "行使依据", "法定期限", "收费标准与依据"]
WORD_ROWS = [
    ["1", "对文物保护单位的行政检查", "行政检查", "市文化广播电视和旅游局", "《中华人民共和国文物保护法》第八条", "无",
     "不收费"],
    ["2", "文物保护单位建设控制地带内建设工程设计方案审核", "行政许可", "市文化广播电视和旅游局",
     "《中华人民共和国文物保护法》第十八条第二款", "20个工作日", "不收费"],
    ["3", "对擅自修缮不可移动文物的处罚", "行政处罚", "市文化广播电视和旅游局",
     "《中华人民共和国文物保护法》第六十六条第一款第（三）项", "自立案之日起90日", "无"],
    ["4", "博物馆藏品取得备案", "其他", "市文化广播电视和旅游局", "《博物馆条例》第二十二条", "即办", "不收费"],
    ["5", "非国有博物馆设立备案", "行政确认", "市文化广播电视和旅游局", "《博物馆条例》第十条", "约三个月", "不收费"],
]  # fmt: skip


def city_docx(folder: Path) -> Path:
    """公主岭 style: a Word table under a count line; the header repeated as on a second page."""
    document = docx.Document()
    document.add_paragraph("公主岭市文化广播电视和旅游局权责清单")
    document.add_paragraph("共 5 项；其中行政许可 1 项，行政处罚 1 项，行政检查 1 项，行政确认 1 项，其他 1 项。")
    table = document.add_table(rows=1, cols=len(WORD_HEADER))
    for c, text in enumerate(WORD_HEADER):
        table.rows[0].cells[c].text = text
    for i, row in enumerate(WORD_ROWS):
        if i == 3:
            cells = table.add_row().cells
            for c, text in enumerate(WORD_HEADER):
                cells[c].text = text
        cells = table.add_row().cells
        for c, text in enumerate(row):
            cells[c].text = text
    path = folder / "公主岭市文广旅局权责清单.docx"
    document.save(str(path))
    return path


def directory_xlsx(folder: Path) -> Path:
    """A county 行政权力目录: two-level header (办理时限 → 法定时限 | 承诺时限), 实施主体 merged down the rows,
    codes with leading zeros typed as text, a column powerctl does not know (联系电话)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "行政处罚"
    sheet.append(["冷水江市城市管理局行政权力目录"])
    sheet.merge_cells("A1:I1")
    sheet.append(
        ["事项编码", "职权名称", "职权类别", "实施主体", "承办机构", "职权来源依据", "办理时限", "", "联系电话"]
    )
    sheet.append(["", "", "", "", "", "", "法定时限", "承诺时限", ""])
    for col in "ABCDEFI":
        sheet.merge_cells(f"{col}2:{col}3")
    sheet.merge_cells("G2:H2")
    rows = [
        ["0431381001", "对擅自占用城市道路的处罚", "行政处罚", "冷水江市城市管理局", "执法大队",
         "《城市道路管理条例》第四十二条", "90日", "60日", "0738-5222222"],
        ["0431381002", "对擅自设置大型户外广告的处罚", "行政处罚", "", "执法大队",
         "《城市市容和环境卫生管理条例》第三十六条", "90日", "45日", ""],
        ["0431381003", "对随地吐痰、乱扔果皮的处罚", "行政处罚", "", "执法大队",
         "《城市市容和环境卫生管理条例》第三十四条", "即办", "即办", ""],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("D4:D6")
    for r in range(4, 7):
        sheet.cell(r, 1).number_format = "@"
    path = folder / "冷水江市城市管理局行政权力目录.xlsx"
    book.save(path)
    return path
