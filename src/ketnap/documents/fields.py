"""The fields a form's template may use, documented once (an office's own template may use any of them)."""

FIELDS: dict[str, str] = {
    "place": "Địa danh ở dòng ngày tháng (Thiết lập chung do quản trị đặt; mặc định để trống “…………”)",
    "date": "Ngày của bước (họp, quyết định, lễ), dd/mm/yyyy",
    "date_long": "“ngày 01 tháng 6 năm 2023” (ngày < 10 và tháng 1, 2 có số 0 đứng trước)",
    "document_number": "Số văn bản của bước; chỉ có chữ số thì thêm ký hiệu của mẫu (vd. “6” → “6-NQ/CB”)",
    "dots": "Dòng chấm để điền tay",
    "note": "Ghi chú của bước (ưu, khuyết điểm …); trống thì là dòng chấm",
    "person_name": "Họ và tên",
    "person_name_upper": "Họ và tên, chữ in hoa",
    "gender": "Nam / Nữ",
    "birth_date": "Ngày sinh, dd/mm/yyyy",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "professional_level": "Trình độ chuyên môn",
    "job_title": "Chức vụ / chức danh",
    "work_unit": "Khoa / phòng, đơn vị",
    "cell_name": "Tên chi bộ",
    "cell_name_upper": "Tên chi bộ, in hoa",
    "cell_superior_upper": "Tổ chức đảng cấp trên của chi bộ, in hoa (dòng trên cùng bên trái); tên chung chung như "
    "“Đảng bộ UBND tỉnh” được ghi thêm tên tỉnh lấy từ cây tổ chức (“ĐẢNG BỘ UBND TỈNH QUẢNG NINH”)",
    "base_committee_name": "Đảng ủy cơ sở (“Đảng bộ X” → “Đảng ủy X”); chi bộ cơ sở: tên chi bộ",
    "base_committee_upper": "Đảng ủy cơ sở, in hoa",
    "proposal_to": "Nơi chi bộ gửi nghị quyết: đảng ủy cơ sở; chi bộ cơ sở thì cấp ủy có thẩm quyền",
    "base_superior_upper": "Cấp trên của đảng bộ cơ sở, in hoa",
    "deciding_name": "Cấp ủy có thẩm quyền quyết định (Organization.deciding_organization())",
    "deciding_name_upper": "Cấp ủy có thẩm quyền, in hoa",
    "deciding_superior_upper": "Cấp trên của cấp ủy có thẩm quyền, in hoa",
    "deciding_body": "Ban Thường vụ … (cấp trên cơ sở, đảng ủy được giao quyền cấp trên cơ sở) hoặc Đảng ủy … "
    "(đảng ủy cơ sở được ủy quyền kết nạp: cả Ban Chấp hành quyết định)",
    "deciding_body_upper": "Như trên, in hoa",
    "deciding_on_behalf": "T/M BAN THƯỜNG VỤ hoặc T/M ĐẢNG ỦY",
    "committee_subject": "Trích yếu nghị quyết của đảng ủy cơ sở (8-KNĐ / 15-KNĐ): “đề nghị kết nạp đảng viên”; "
    "đảng ủy được ủy quyền kết nạp tự quyết định: “kết nạp đảng viên” (công nhận: “… công nhận đảng viên chính thức”)",
    "committee_conclusion": "Câu kết luận của 8-KNĐ / 15-KNĐ: đề nghị cấp có thẩm quyền (Ban Thường vụ …) quyết "
    "định, hoặc đảng ủy được ủy quyền quyết định kết nạp / công nhận (HD 06-HD/TW điểm 3.7.a)",
    "committee_receiver": "Nơi nhận đầu tiên của 8-KNĐ / 15-KNĐ: cấp có thẩm quyền quyết định (Ban Thường vụ …); "
    "đảng ủy được ủy quyền: Ban Thường vụ cấp ủy cấp trên (để báo cáo)",
    "signer_name": "Người ký (để trống: dòng chấm)",
    "signer_post": "Chức danh người ký dưới dòng T/M: “BÍ THƯ” (mặc định), hoặc “K/T BÍ THƯ” xuống dòng “PHÓ BÍ THƯ” "
    "khi tải với ?nguoi-ky=pho-bi-thu (Công đoàn, 4A-KNĐ: CHỦ TỊCH / PHÓ CHỦ TỊCH)",
    "sub_committee_name": "Đảng ủy bộ phận phụ trách chi bộ (“Đảng bộ bộ phận X” → “Đảng ủy bộ phận X”); "
    "không có: dòng chấm",
    "sub_committee_upper": "Đảng ủy bộ phận, in hoa",
    "sub_superior_upper": "Cấp trên của đảng bộ bộ phận (đảng bộ cơ sở), in hoa",
    "members_total": "Tổng số đảng viên chính thức (chi bộ) / cấp ủy viên (đảng ủy) ghi ở bước",
    "members_probationary": "Số đảng viên dự bị của chi bộ vào ngày họp, đếm từ sổ đảng viên (ngày họp của bước; sổ "
    "không có ai ở chi bộ ngày đó, hay bước chưa ghi: dòng chấm)",
    "members_all": "Tổng số đảng viên của chi bộ = chính thức (ghi ở bước) + dự bị (sổ đảng viên); thiếu một số: "
    "dòng chấm",
    "members_excused": "Số không tính vào biểu quyết (chuyển sinh hoạt tạm thời, miễn sinh hoạt vắng mặt)",
    "votes_for": "Số tán thành",
    "votes_against": "Số không tán thành = số được tính − số tán thành (sổ không tách phiếu chống / vắng)",
    "votes_percent": "Tỷ lệ tán thành trên số được tính, vd. “75%”, “66,67%”",
    "members_counted": "Số được tính để biểu quyết = tổng số − số không tính",
    "vote_result": "Kết quả biểu quyết so với 2/3 số được tính (“đạt …” / “không đạt …”); thiếu số liệu: dòng chấm",
    "cell_resolution_number": "Số nghị quyết của chi bộ (6-KNĐ hoặc 13-KNĐ)",
    "cell_resolution_date": "Ngày nghị quyết của chi bộ",
    "committee_resolution_text": "“ và Nghị quyết số … ngày … của Đảng ủy …” khi có đảng ủy cơ sở, trống nếu không",
    "decision_number": "Số quyết định kết nạp (9-KNĐ)",
    "decision_date": "Ngày quyết định kết nạp (tuổi đảng tính từ ngày này)",
    "decision_issuer": "Cơ quan ra quyết định kết nạp",
    "regulation_basis": "Quy định thi hành Điều lệ Đảng có hiệu lực vào ngày của bước (ketnap.rules.sources), vd. "
    "“Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng”",
    "guidance_basis": "Hướng dẫn thi hành Điều lệ Đảng có hiệu lực vào ngày của bước, vd. “Hướng dẫn số 06-HD/TW ngày "
    "09/6/2025 của Ban Bí thư về một số vấn đề cụ thể thi hành Điều lệ Đảng”",
    "ceremony_date": "Ngày lễ kết nạp (bắt đầu 12 tháng dự bị)",
    "official_date": "Ngày hết 12 tháng dự bị = ngày chính thức (QĐ 24 §4.2.2)",
    "ceremony_time": "Giờ, ngày lễ kết nạp (dòng chấm nếu chưa ghi nhận)",
    "ceremony_venue": "Địa điểm lễ (dòng chấm)",
    "mentor_name": "Đảng viên chính thức giúp đỡ đảng viên dự bị (dòng chấm nếu chưa phân công)",
    "introducer_name": "Người giới thiệu (3-KNĐ: đảng viên chính thức của giấy giới thiệu này; 3A-KNĐ: người thứ "
    "nhất); khác: dòng chấm",
    "introducer_birth_date": "Ngày sinh của người giới thiệu",
    "introducer_job_title": "Chức vụ / chức danh của người giới thiệu",
    "introducer_work_unit": "Khoa / phòng của người giới thiệu",
    "introducer_cell_name": "Chi bộ nơi người giới thiệu sinh hoạt",
    "introducer_joined_on": "Ngày vào Đảng (lễ kết nạp) của người giới thiệu",
    "introducer_official_on": "Ngày chính thức của người giới thiệu",
    "together_since": "Cùng công tác với người vào Đảng từ ngày (ít nhất 12 tháng, rules.md §3)",
    "introduced_on": "Ngày giới thiệu (4-KNĐ / 4A-KNĐ: ngày nghị quyết giới thiệu của Đoàn / Công đoàn)",
    "introducer2_name": "3A-KNĐ: người giới thiệu thứ hai (đảng viên chính thức); khác: dòng chấm",
    "introducer2_birth_date": "3A-KNĐ: ngày sinh của người giới thiệu thứ hai",
    "introducer2_job_title": "3A-KNĐ: chức vụ / chức danh của người giới thiệu thứ hai",
    "introducer2_work_unit": "3A-KNĐ: khoa / phòng của người giới thiệu thứ hai",
    "introducer2_cell_name": "3A-KNĐ: chi bộ nơi người giới thiệu thứ hai sinh hoạt",
    "introducer2_joined_on": "3A-KNĐ: ngày vào Đảng của người giới thiệu thứ hai",
    "introducer2_official_on": "3A-KNĐ: ngày chính thức của người giới thiệu thứ hai",
    "introducer2_together_since": "3A-KNĐ: người giới thiệu thứ hai cùng công tác với người vào Đảng từ ngày",
    "youth_union_joined_on": "Ngày vào Đoàn TNCS Hồ Chí Minh của người vào Đảng (dòng chấm nếu chưa ghi)",
    "opinions_date_long": "Ngày ghi nhận bản tổng hợp ý kiến (5-KNĐ / 12-KNĐ) trong hồ sơ; chưa có: dòng chấm",
}


LIST_FIELDS: dict[str, str] = {
    "place": "Địa danh ở dòng ngày tháng (như trên)",
    "date_long": "Ngày lập danh sách (hôm nay), “ngày 05 tháng 02 năm 2024”",
    "month": "Tháng của danh sách, “11/2026”",
    "issuer_upper": "Tổ chức đảng lập danh sách (gốc phạm vi của người dùng), in hoa; nhiều gốc: dòng chấm",
    "superior_upper": "Cấp trên của tổ chức lập danh sách, in hoa",
    "count": "Số người trong danh sách",
    "rows": "Các dòng: r.no (STT), r.person_name, r.birth_date, r.work_unit, r.cell_name, r.step (việc cần làm), "
    "r.due (hạn, dd/mm/yyyy), r.source (căn cứ), r.since (ngày vào danh sách cảm tình), r.helpers (đảng viên giúp đỡ), "
    "r.gender, r.job_title (chức vụ / chức danh), r.stage (giai đoạn)",
}
