"""The default text of the privacy notice (Thông báo xử lý dữ liệu cá nhân, page /bao-mat/).

Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (in force 01/01/2026) gives the data subject the right to be informed of
the processing of their data. The administrator edits the text (Preferences.privacy_notice in /quan-tri/); this is
the starting point. Lines beginning with "# " are section headings. The configured retention period and the contact
are not written here: the page adds them from Preferences, so they are always the values in force.

Article numbers of the law are not cited: they have not been checked against the published text (see the README).
"""

DEFAULT_PRIVACY_NOTICE = """\
# Ai xử lý dữ liệu và để làm gì
Phần mềm ketnap do cấp ủy đảng của đơn vị dùng để theo dõi công tác phát triển đảng viên: danh sách viên chức, người \
lao động (đảng viên và quần chúng), con đường vào Đảng của từng người theo Điều lệ Đảng và các quy định, hướng dẫn \
của Trung ương, chỉ tiêu kết nạp, số liệu thống kê và báo cáo gửi cấp ủy cấp trên. Dữ liệu không dùng vào mục đích \
nào khác, không bán, không chuyển cho bên ngoài hệ thống tổ chức đảng.

# Căn cứ xử lý
Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (có hiệu lực từ 01/01/2026); Điều lệ Đảng Cộng sản Việt Nam và các quy \
định, hướng dẫn thi hành về công tác kết nạp đảng viên, quản lý đảng viên và thống kê, báo cáo của Đảng.

# Những dữ liệu được lưu
- Nhân thân: họ và tên, giới tính, ngày sinh, số CCCD, mã nhân viên, điện thoại, thư điện tử.
- Công tác: khoa/phòng, chức vụ, chức danh nghề nghiệp, trình độ, loại hình lao động, quá trình công tác, đoàn viên, \
công đoàn viên, quy hoạch.
- Dữ liệu cá nhân nhạy cảm: dân tộc, tôn giáo, việc là đảng viên (ngày vào Đảng, số thẻ, biến động) và con đường vào \
Đảng (các bước, nghị quyết, hồ sơ, người giới thiệu, đảng viên giúp đỡ và nhận xét). Những dữ liệu này chỉ người có \
nhiệm vụ mới xem được và được bảo vệ chặt hơn.
- Nhật ký: ai đã thay đổi dữ liệu của ai, lúc nào, thay đổi gì.

# Ai được xem gì
- Văn phòng cấp ủy và quản trị: dữ liệu của những người thuộc tổ chức đảng mình phụ trách và nhật ký thay đổi.
- Bí thư chi bộ: dữ liệu những người của chi bộ mình; không xem nhật ký.
- Cấp ủy cấp trên chỉ xem số liệu tổng hợp, không thấy tên người.
- Ngoài phạm vi của mình, không ai xem được; mọi thay đổi đều được ghi nhật ký, nhật ký không sửa, không xóa được.

# Lưu trữ bao lâu
Dữ liệu của đảng viên và của người đã vào con đường phát triển đảng viên được lưu theo quy định về hồ sơ đảng viên. \
Viên chức, người lao động đã thôi việc, chưa từng là đảng viên hay người vào Đảng thì được xóa dữ liệu cá nhân sau \
thời hạn ghi dưới đây; chỉ giữ lại những số liệu không còn xác định được người (khoa/phòng, thời gian công tác) để số \
liệu thống kê của các năm trước không bị thay đổi.

# Quyền của anh/chị
Anh/chị có quyền được biết dữ liệu nào của mình đang được xử lý và để làm gì; được xem và nhận bản sao toàn bộ dữ \
liệu về mình (văn phòng cấp ủy trích xuất thành tệp Excel hoặc PDF); yêu cầu sửa dữ liệu sai; yêu cầu xóa hoặc hạn \
chế xử lý khi dữ liệu không còn cần cho mục đích trên, trừ những dữ liệu mà quy định của Đảng buộc phải lưu; khiếu \
nại, tố cáo khi quyền của mình bị vi phạm.

# Liên hệ
Gửi yêu cầu đến văn phòng cấp ủy nơi anh/chị sinh hoạt hoặc công tác (đầu mối ghi dưới đây). Yêu cầu được trả lời \
trong thời hạn luật định.
"""


def default_privacy_notice() -> str:
    """The field default (a callable, so that a migration does not freeze the text)."""
    return DEFAULT_PRIVACY_NOTICE
