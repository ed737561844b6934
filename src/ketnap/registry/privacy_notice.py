"""The default text of the privacy notice (Thông báo xử lý dữ liệu cá nhân, page /bao-mat/).

Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (in force 01/01/2026; "the Law" below) and its implementing Nghị định số
356/2025/NĐ-CP (in force the same day). The administrator edits the text (Preferences.privacy_notice in /quan-tri/);
this is the starting point. Lines beginning with "# " are section headings, "- " list items. The configured retention
periods and the contact are not written here: the page adds them from Preferences and settings, so they are always
the values in force.

Article numbers are those of the Law's text as read (Điều 2–4, 7, 9–11, 13–15, 19, 23, 33, 37) in a full copy
(github.com/Khaidzvippro/2A202600231_NguyenTuanKhai_Day07, data/91_BVDLCN.md) whose opening matches the law portal's
(thuviennhadat.vn/vbpl/luat-bao-ve-du-lieu-ca-nhan-2025-so-91-2025-qh15-625628.html); check them against the Công
báo text when it is at hand. The decree is cited by its number only: its article numbers were not read in its own
text (the sensitive-data list and the 02-working-day answer come from law-firm and press summaries of it).
What the Law asks a notice to carry (Điều 9 khoản 2 for a consent, Điều 4 khoản 1 điểm a for the right to know):
the kinds of data, the purpose, who controls them, and the data subject's rights and duties. The party committee runs
ketnap itself, so it is the "bên kiểm soát và xử lý dữ liệu cá nhân" (Điều 2 khoản 9), bound by both the controller's
and the processor's duties (Điều 37 khoản 3).
"""

import hashlib

DEFAULT_PRIVACY_NOTICE = """\
# Ai xử lý dữ liệu và để làm gì
Cấp ủy đảng của đơn vị (đầu mối ghi ở cuối trang) là bên kiểm soát và xử lý dữ liệu cá nhân: quyết định mục đích, \
phương tiện và trực tiếp xử lý dữ liệu (khoản 9 Điều 2 Luật Bảo vệ dữ liệu cá nhân). Cấp ủy dùng phần mềm ketnap để \
theo dõi công tác phát triển đảng viên: danh sách viên chức, người lao động (đảng viên và quần chúng), con đường vào \
Đảng của từng người theo Điều lệ Đảng và các quy định, hướng dẫn của Trung ương, chỉ tiêu kết nạp, số liệu thống kê \
và báo cáo gửi cấp ủy cấp trên. Dữ liệu chỉ được xử lý đúng mục đích này (khoản 2 Điều 3 của Luật); không mua, bán \
(khoản 6 Điều 7), không chuyển cho bên ngoài hệ thống tổ chức đảng.

# Căn cứ xử lý
- Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (có hiệu lực từ 01/01/2026) và Nghị định số 356/2025/NĐ-CP quy định \
chi tiết Luật.
- Điều lệ Đảng Cộng sản Việt Nam và các quy định, hướng dẫn thi hành về công tác kết nạp đảng viên, quản lý đảng \
viên và thống kê, báo cáo của Đảng.
- Cơ quan Đảng có thẩm quyền được phân tích, tổng hợp dữ liệu cá nhân để phục vụ công tác lãnh đạo, chỉ đạo theo quy \
định của pháp luật (khoản 2 Điều 11 của Luật).
- Việc xử lý dữ liệu cá nhân cần sự đồng ý của anh/chị (Điều 9, khoản 1 Điều 11 của Luật), trừ các trường hợp không \
cần sự đồng ý tại Điều 19 của Luật hoặc pháp luật có quy định khác.

# Những dữ liệu được lưu
- Dữ liệu cá nhân cơ bản: họ và tên, giới tính, ngày sinh, số CCCD (số định danh cá nhân), mã nhân viên, điện \
thoại, thư điện tử.
- Công tác: khoa/phòng, chức vụ, chức danh nghề nghiệp, trình độ, loại hình lao động, quá trình công tác, đoàn viên, \
công đoàn viên, quy hoạch.
- Dữ liệu cá nhân nhạy cảm (khoản 3 Điều 2 của Luật; danh mục do Nghị định số 356/2025/NĐ-CP ban hành, gồm nguồn \
gốc dân tộc, quan điểm về chính trị, tôn giáo): dân tộc, tôn giáo; việc là đảng viên (ngày vào Đảng, số thẻ, biến \
động) và con đường vào Đảng (các bước, nghị quyết, hồ sơ và bản quét giấy tờ, người giới thiệu, đảng viên giúp đỡ và \
nhận xét) — ketnap xếp vào loại nhạy cảm vì cho thấy quan điểm chính trị. Những dữ liệu này chỉ người có nhiệm vụ mới \
xem được và được bảo vệ chặt hơn.
- Nhật ký: ai đã thay đổi dữ liệu của ai, lúc nào, thay đổi gì (nhật ký thay đổi); ai đã xem dữ liệu của ai, lúc \
nào (nhật ký truy cập).

# Ai được xem gì
- Văn phòng cấp ủy và quản trị: dữ liệu của những người thuộc tổ chức đảng mình phụ trách và nhật ký.
- Bí thư chi bộ: dữ liệu những người của chi bộ mình; không xem nhật ký.
- Cấp ủy cấp trên chỉ xem số liệu tổng hợp, không thấy tên người.
- Ngoài phạm vi của mình, không ai xem được; mọi thay đổi đều được ghi nhật ký, nhật ký không sửa, không xóa được.

# Lưu trữ bao lâu
Dữ liệu chỉ được lưu trong thời gian phù hợp với mục đích xử lý (khoản 3 Điều 3 của Luật) và được xóa khi hết thời \
hạn lưu trữ (điểm c khoản 1 Điều 14). Dữ liệu của đảng viên và của người đã vào con đường phát triển đảng viên được \
lưu theo quy định về hồ sơ đảng viên. Viên chức, người lao động đã thôi việc, chưa từng là đảng viên hay người vào \
Đảng thì được xóa dữ liệu cá nhân sau thời hạn ghi dưới đây; chỉ giữ lại những số liệu không còn xác định được người \
(khoa/phòng, thời gian công tác) để số liệu thống kê của các năm trước không bị thay đổi. Dữ liệu nào không thể xóa \
vì lý do chính đáng (ví dụ còn trong bản sao lưu đã lập trước đó) thì văn phòng cấp ủy thông báo để anh/chị biết \
(khoản 5 Điều 14 của Luật).

# Bảo vệ dữ liệu và khi có sự cố
- Cấp ủy áp dụng biện pháp quản lý, kỹ thuật để bảo vệ dữ liệu (khoản 4 Điều 3, điểm c khoản 1 Điều 37 của Luật): mỗi \
người chỉ xem được trong phạm vi của mình; số CCCD trên màn hình chỉ hiện 3 số cuối; việc mở trang của từng người, \
xem bản quét, hiện đủ số CCCD, tải tệp có tên người và mọi thay đổi đều được ghi nhật ký; tệp Excel, Word, PDF tải \
về ghi tên người tải.
- Cấp ủy chỉ định bộ phận, nhân sự bảo vệ dữ liệu cá nhân (khoản 2 Điều 33 của Luật); đầu mối ghi ở cuối trang.
- Khi phát hiện vi phạm quy định về bảo vệ dữ liệu cá nhân (dữ liệu bị lộ, mất, bị xử lý sai mục đích…) có thể gây \
tổn hại đến quốc phòng, an ninh quốc gia, trật tự, an toàn xã hội hoặc xâm phạm đến tính mạng, sức khỏe, danh dự, \
nhân phẩm, tài sản của người có dữ liệu, cấp ủy phải thông báo cho cơ quan chuyên trách bảo vệ dữ liệu cá nhân thuộc \
Bộ Công an chậm nhất là 72 giờ kể từ khi phát hiện và lập biên bản xác nhận vụ việc (khoản 1, khoản 2 Điều 23 của \
Luật).

# Quyền và nghĩa vụ của anh/chị (Điều 4 của Luật)
- Được biết về việc xử lý dữ liệu cá nhân của mình (điểm a khoản 1).
- Xem dữ liệu của mình và yêu cầu chỉnh sửa dữ liệu sai (điểm c khoản 1, Điều 13).
- Yêu cầu cung cấp toàn bộ dữ liệu về mình: văn phòng cấp ủy trích xuất thành tệp Excel hoặc PDF (điểm d khoản 1, \
điểm a khoản 2 Điều 15).
- Đồng ý hoặc không đồng ý, yêu cầu rút lại sự đồng ý (điểm b khoản 1); yêu cầu hạn chế xử lý (Điều 10); yêu cầu \
xóa dữ liệu (Điều 14); gửi yêu cầu phản đối xử lý dữ liệu (điểm d khoản 1). Các yêu cầu rút lại sự đồng ý, hạn chế \
xử lý, xóa dữ liệu không áp dụng cho các trường hợp tại Điều 19 của Luật (khoản 1 Điều 10, khoản 2 Điều 14). Khi \
không thể chỉnh sửa hoặc xóa vì lý do chính đáng (ví dụ hồ sơ đảng viên phải lưu theo quy định), văn phòng cấp ủy \
thông báo để anh/chị biết (khoản 3 Điều 13, khoản 5 Điều 14).
- Khiếu nại, tố cáo, khởi kiện, yêu cầu bồi thường thiệt hại; yêu cầu áp dụng biện pháp bảo vệ dữ liệu cá nhân của \
mình (điểm đ, điểm e khoản 1).
- Nghĩa vụ: tự bảo vệ dữ liệu cá nhân của mình; tôn trọng dữ liệu cá nhân của người khác; cung cấp đầy đủ, chính xác \
dữ liệu cá nhân của mình theo quy định (khoản 2).

# Gửi yêu cầu và thời hạn trả lời
Gửi yêu cầu bằng văn bản, kể cả dạng điện tử (khoản 2 Điều 10 của Luật), đến văn phòng cấp ủy nơi anh/chị sinh hoạt \
hoặc công tác (đầu mối ghi dưới đây). Văn phòng cấp ủy phải thực hiện kịp thời trong thời hạn pháp luật quy định \
(khoản 5 Điều 4 của Luật): phản hồi trong 02 ngày làm việc kể từ ngày nhận yêu cầu và thực hiện yêu cầu trong thời \
hạn Nghị định số 356/2025/NĐ-CP quy định cho từng loại yêu cầu.
"""

RETIRED_DEFAULTS = frozenset(
    {
        # the first default (2026-12, before the Law's articles were cited)
        "541b07e95a7e6f5d63f2245c98719daac50024e9a1602887d9aca58f872e3ed3",
    }
)


def default_privacy_notice() -> str:
    """The field default (a callable, so that a migration does not freeze the text)."""
    return DEFAULT_PRIVACY_NOTICE


def _fingerprint(text: str) -> str:
    """SHA-256 of the text with line ends and trailing blanks evened out (a textarea posts CRLF)."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(lines.encode()).hexdigest()


def notice_text(stored: str) -> str:
    """What /bao-mat/ shows: the administrator's text; the current default when it is empty or is, unedited, a default
    this module used to give (an installation that saved its settings before the default changed)."""
    if not stored.strip() or _fingerprint(stored) in RETIRED_DEFAULTS:
        return DEFAULT_PRIVACY_NOTICE
    return stored
