"""Choices of the registry. Vietnamese labels are the terms of the Charter and its guidance (glossary.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    # Điều lệ Đảng Điều 21-24; QĐ 294-QĐ/TW (from 1/7/2025: no district level). rules.md §6.
    PROVINCE = "province", _("Đảng bộ tỉnh")
    UPPER = "upper", _("Đảng bộ cấp trên cơ sở")
    BASE_COMMITTEE = "base_committee", _("Đảng bộ cơ sở")
    BASE_CELL = "base_cell", _("Chi bộ cơ sở")
    SUB_COMMITTEE = "sub_committee", _("Đảng bộ bộ phận")
    CELL = "cell", _("Chi bộ trực thuộc")

    @classmethod
    def base_kinds(cls) -> set[str]:
        """Tổ chức cơ sở đảng: the level at and below which names are personal data for overseers."""
        return {cls.BASE_COMMITTEE, cls.BASE_CELL}

    @classmethod
    def cell_kinds(cls) -> set[str]:
        """Kinds a party member is registered in (sinh hoạt)."""
        return {cls.BASE_CELL, cls.CELL}


class OrgChange(models.TextChoices):
    CREATED = "created", _("Thành lập")
    RENAMED = "renamed", _("Đổi tên")
    MOVED = "moved", _("Chuyển trực thuộc")
    POWERS = "powers", _("Thay đổi thẩm quyền")
    MERGED = "merged", _("Hợp nhất / sáp nhập")
    SPLIT = "split", _("Chia tách")
    DISSOLVED = "dissolved", _("Giải thể / kết thúc hoạt động")


class UnitKind(models.TextChoices):
    UNIT = "unit", _("Đơn vị sự nghiệp")
    DEPARTMENT = "department", _("Khoa / phòng")
    STATION = "station", _("Trạm y tế")


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class MembershipStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Đảng viên dự bị")
    OFFICIAL = "official", _("Đảng viên chính thức")
    REMOVED = "removed", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    LEFT = "left", _("Ra khỏi Đảng")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển sinh hoạt đi")
    DIED = "died", _("Từ trần")

    @classmethod
    def active(cls) -> set[str]:
        return {cls.PROBATIONARY, cls.OFFICIAL}


class MembershipEventKind(models.TextChoices):
    ADMITTED = "admitted", _("Kết nạp")
    RECOGNISED = "recognised", _("Công nhận đảng viên chính thức")
    TRANSFERRED_IN = "transferred_in", _("Chuyển sinh hoạt đến")
    MOVED = "moved", _("Chuyển sinh hoạt trong đảng bộ")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển sinh hoạt đi")
    REMOVED = "removed", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    LEFT = "left", _("Ra khỏi Đảng")
    DIED = "died", _("Từ trần")
    REGISTERED = "registered", _("Nhập vào sổ theo dõi")


class CodeKind(models.TextChoices):
    ETHNICITY = "ethnicity", _("Dân tộc")
    RELIGION = "religion", _("Tôn giáo")
    GENERAL_EDUCATION = "general_education", _("Giáo dục phổ thông")
    PROFESSIONAL_LEVEL = "professional_level", _("Trình độ chuyên môn")
    PROFESSION = "profession", _("Ngành / chức danh nghề nghiệp")
    ACADEMIC_TITLE = "academic_title", _("Học hàm")
    POLITICAL_THEORY = "political_theory", _("Lý luận chính trị")
    EMPLOYMENT_TYPE = "employment_type", _("Loại hình lao động")
    OCCUPATION = "occupation", _("Nghề nghiệp (biểu thống kê)")
