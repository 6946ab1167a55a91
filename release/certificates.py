"""The certificate's signature and its PDF (pure functions over the stored facts; no database writes).

Each certificate is signed with the bureau's Ed25519 key (ciq_portal/signing.py, never in the database) over its
canonical content: the canonical JSON (sorted keys, no spaces, UTF-8) of ``{"type": "ciq-certificate/v1", "facts":
..., "key_id": ...}``. The verification QR code carries the number and the signature, so anyone can check a
certificate against the bureau's public keys (/public/keys/), also offline; one changed line breaks the signature.
"""

import io
import os
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ciq_portal import signing

CONTENT_TYPE = "ciq-certificate/v1"


def signed_content(facts: dict, key_id: str) -> dict:
    """What the signature covers."""
    return {"type": CONTENT_TYPE, "facts": facts, "key_id": key_id}


def sign(facts: dict) -> tuple[str, str]:
    """The id of the signing key and the signature (base64url) of the certificate's canonical content."""
    signed, signature = signing.sign_payload({"type": CONTENT_TYPE, "facts": facts})
    return signed["key_id"], signature


def is_genuine(facts: dict, key_id: str, signature: str) -> bool:
    """The stored facts still match the signature, by a key of the bureau's key ring."""
    return signing.payload_signature_valid(signed_content(facts, key_id), signature)


def public_base_url() -> str:
    return (getattr(settings, "CIQ", {}).get("PUBLIC_BASE_URL") or os.environ.get("CIQ_PUBLIC_BASE_URL")
            or "http://localhost:8000").rstrip("/")


def qr_svg(url: str, scale: int = 4) -> str:
    """The QR code of ``url`` as inline SVG markup (segno; no image files, no JavaScript)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True,
                                    svgclass="qr", lineclass=None)
    return buffer.getvalue().decode()


# --- PDF --------------------------------------------------------------------------------------------------------

FONT = "STSong-Light"

MODE_LABELS = {
    "declare": ("申报放行", "Declare-release"),
    "verify": ("验证放行", "Verify-release"),
    "sample": ("抽样放行", "Sample-release"),
    "supervised": ("监管放行", "Supervised-release"),
}
RESULT_LABELS = {
    "not_inspected": ("凭申报放行，未查验", "Released on declaration, not inspected"),
    "documents_verified": ("第三方检测报告经核验", "Third-party test report verified"),
    "lab_pending": ("已抽样，实验室结果待出", "Sampled; laboratory result pending"),
    "conform": ("经检验检疫合格", "Inspected: conform"),
    "non_conform": ("经检验检疫不合格", "Inspected: non-conform"),
}


def _qr_flowable(url: str, size: float):
    matrix = segno.make(url, error="m").matrix

    class QR(Flowable):
        def wrap(self, *args):
            return size, size

        def draw(self):
            n = len(matrix) + 4
            cell = size / n
            canvas = self.canv
            canvas.setFillColorRGB(0, 0, 0)
            for y, row in enumerate(matrix):
                for x, dark in enumerate(row):
                    if dark:
                        canvas.rect((x + 2) * cell, size - (y + 3) * cell, cell, cell, stroke=0, fill=1)

    return QR()


def render_pdf(*, number: str, facts: dict, key_id: str, signature: str, verify_url: str) -> bytes:
    """The certificate as a one-page A4 PDF in Chinese and English (reportlab's built-in CID font: the CJK
    glyphs come from the reader, so nothing is downloaded or embedded)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444"))
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1)
    subtitle = ParagraphStyle("subtitle", parent=base, fontSize=11.5, leading=15, alignment=1)

    def p(text, style=base):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def label(zh, en):
        return Paragraph(f"{zh}<br/><font size=7.5 color='#555555'>{en}</font>", base)

    mode_zh, mode_en = MODE_LABELS.get(facts.get("release_mode"), ("", facts.get("release_mode", "")))
    result_zh, result_en = RESULT_LABELS.get(facts.get("inspection_result"), ("", facts.get("inspection_result")))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=f"{number}", author="CIQ",
                            subject="入境货物检验检疫证明 Entry Inspection and Quarantine Certificate of Goods")
    story = [
        p("中华人民共和国出入境检验检疫", subtitle),
        p("入境货物检验检疫证明", title),
        p("ENTRY INSPECTION AND QUARANTINE CERTIFICATE OF GOODS", subtitle),
        Spacer(1, 4 * mm),
    ]
    header = Table([[p(f"编号 No.: {number}"), p(f"签发日期 Date of issue: {facts.get('issued_on', '')}")]],
                   colWidths=[95 * mm, 83 * mm])
    story += [header, Spacer(1, 2 * mm)]
    rows = [
        [label("收货人 / 进口商", "Consignee / importer"),
         p(f"{facts.get('importer_zh', '')}\n{facts.get('importer_en', '')}")],
        [label("统一社会信用代码", "Unified social credit code"), p(facts.get("importer_code", "") or "—")],
        [label("报检号", "Declaration number"), p(facts.get("declaration_number", ""))],
        [label("入境口岸", "Port of entry"), p(facts.get("port", ""))],
        [label("运输工具 / 提单号", "Means of transport / B/L"),
         p(" / ".join(x for x in (facts.get("vessel_voyage", ""), facts.get("bill_of_lading", "")) if x) or "—")],
        [label("启运国家(地区)", "Country of departure"), p(facts.get("departure_country", ""))],
        [label("放行方式", "Release mode"), p(f"{mode_zh}  {mode_en}")],
        [label("检验检疫结果", "Inspection result"), p(f"{result_zh}  {result_en}")],
        [label("放行日期", "Date of release"), p(facts.get("released_on", ""))],
        [label("追溯码", "Trace code"), p(facts.get("trace_code", ""))],
    ]
    table = Table(rows, colWidths=[48 * mm, 130 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8a9099")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [table, Spacer(1, 4 * mm), p("货物 Goods", subtitle), Spacer(1, 1 * mm)]
    goods = [[label("HS编码", "HS code"), label("品名", "Description"), label("原产国", "Origin"),
              label("数/重量", "Quantity"), label("批号", "Lot numbers")]]
    for line in facts.get("lines", []):
        goods.append([p(line.get("hs_code", "")), p(line.get("description", "")), p(line.get("origin", "")),
                      p(f"{line.get('quantity', '')} {line.get('unit', '')}"), p(line.get("lots", "") or "—")])
    goods_table = Table(goods, colWidths=[24 * mm, 74 * mm, 18 * mm, 30 * mm, 32 * mm], repeatRows=1)
    goods_table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8a9099")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [goods_table, Spacer(1, 5 * mm)]
    statement = p("上述货物业经检验检疫，准予放行。本证明为电子证书，真伪可扫描二维码或访问下列网址核验。\n"
                  "The goods above have been inspected and quarantined and are released. This is an electronic "
                  "certificate signed by the bureau: scan the QR code or open the address below to confirm that it "
                  "is genuine and unchanged, or check the signature against the bureau's public keys.")
    verify = Table([[
        _qr_flowable(verify_url, 34 * mm),
        [statement, Spacer(1, 2 * mm), p(f"核验网址 Verification: {verify_url}", small),
         p(f"电子签名 Signature (Ed25519, {key_id}): {signature}", small)],
    ]], colWidths=[40 * mm, 138 * mm])
    verify.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [verify, Spacer(1, 6 * mm),
              p("签发机构 Issued by: 出入境检验检疫局 Entry-Exit Inspection and Quarantine Bureau", small)]
    doc.build(story)
    return buffer.getvalue()
