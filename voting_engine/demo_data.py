"""Sample proposals for demonstrations, shaped like Korea's national PB (12 fiscal areas, ministries)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

KST = timezone(timedelta(hours=9))

PROPOSALS: list[tuple[str, str, str, int, str, str]] = [
    (
        "P01",
        "어르신 디지털 교육",
        "Digital literacy classes for seniors",
        1_200,
        "social_welfare",
        "Ministry of Science and ICT",
    ),
    (
        "P02",
        "농어촌 공공 와이파이",
        "Public Wi-Fi in farming and fishing villages",
        2_400,
        "science_technology",
        "Ministry of Science and ICT",
    ),
    (
        "P03",
        "어린이 보호구역 안전 개선",
        "Safer school zones for children",
        1_800,
        "public_order_safety",
        "Korean National Police Agency",
    ),
    (
        "P04",
        "장애인 이동 지원 차량",
        "Accessible transport for people with disabilities",
        3_000,
        "social_welfare",
        "Ministry of Health and Welfare",
    ),
    (
        "P05",
        "미세먼지 측정망 확충",
        "Denser fine-dust monitoring network",
        2_100,
        "environment",
        "Ministry of Environment",
    ),
    (
        "P06",
        "청년 창업 공유 공간",
        "Shared workspaces for young entrepreneurs",
        2_700,
        "industry_smes",
        "Ministry of SMEs and Startups",
    ),
    (
        "P07",
        "지역 공공 도서관 연장 운영",
        "Longer opening hours for public libraries",
        900,
        "culture_tourism",
        "Ministry of Culture, Sports and Tourism",
    ),
    (
        "P08",
        "응급 의료 취약지 원격 진료",
        "Telemedicine for areas far from emergency care",
        3_300,
        "health",
        "Ministry of Health and Welfare",
    ),
    (
        "P09",
        "학교 밖 청소년 학습 지원",
        "Learning support for out-of-school youth",
        1_500,
        "education",
        "Ministry of Education",
    ),
    (
        "P10",
        "스마트 버스 정류장",
        "Smart bus shelters",
        1_700,
        "transport_logistics",
        "Ministry of Land, Infrastructure and Transport",
    ),
    (
        "P11",
        "수산물 이력 추적 시스템",
        "Traceability of fishery products",
        1_300,
        "agriculture_fisheries",
        "Ministry of Oceans and Fisheries",
    ),
    (
        "P12",
        "빈집 활용 마을 공동체 공간",
        "Empty houses turned into community spaces",
        2_000,
        "land_regional_development",
        "Ministry of the Interior and Safety",
    ),
    (
        "P13",
        "재난 문자 다국어 서비스",
        "Multilingual disaster alerts",
        600,
        "general_administration",
        "Ministry of the Interior and Safety",
    ),
    ("P14", "도시 숲 조성", "Urban forests", 2_600, "environment", "Korea Forest Service"),
    (
        "P15",
        "공공 체육시설 무장애 개선",
        "Barrier-free public sports facilities",
        1_400,
        "culture_tourism",
        "Ministry of Culture, Sports and Tourism",
    ),
]
"""(id, Korean title, English title, cost in millions of KRW, fiscal area, responsible ministry)."""

MILLION = 1_000_000


def demo_manifest(election_id: str = "kr-pb-demo-2026") -> dict[str, Any]:
    """Three stages: a committee shortlist, the committee's budget vote, the public preference survey."""
    projects = [
        {
            "id": pid,
            "title": {"ko": ko, "en": en},
            "description": {"ko": f"{ko} 사업", "en": f"{en}."},
            "cost": cost * MILLION,
            "area": area,
            "ministry": ministry,
        }
        for pid, ko, en, cost, area, ministry in PROPOSALS
    ]
    now = datetime.now(KST).replace(microsecond=0)
    window = {"opens_at": (now - timedelta(hours=1)).isoformat(), "closes_at": (now + timedelta(days=30)).isoformat()}
    return {
        "version": 1,
        "election_id": election_id,
        "title": {"ko": "국민참여예산 시민참여단 투표 (데모)", "en": "National PB citizens' vote (demo)"},
        "currency": "KRW",
        "budget": 15_000 * MILLION,
        "groups": [{"id": "committee", "weight": 50}, {"id": "public", "weight": 50}],
        "projects": projects,
        "education": [{"id": "budget-school-1"}, {"id": "budget-school-2"}],
        "stages": [
            {
                "id": "shortlist",
                "title": {"ko": "1단계 사업 압축", "en": "Stage 1: shortlist"},
                **window,
                "scheme": "approval",
                "params": {"min": 1, "max": 5},
                "groups": ["committee"],
                "education": ["budget-school-1"],
                "revote": "last",
                "candidates": {"rule": "fixed"},
            },
            {
                "id": "committee-vote",
                "title": {"ko": "2단계 시민참여단 투표", "en": "Stage 2: committee vote"},
                **window,
                "scheme": "budget",
                "params": {"budget": 15_000 * MILLION},
                "groups": ["committee"],
                "education": ["budget-school-1", "budget-school-2"],
                "revote": "last",
                "candidates": {"rule": "top_k", "from_stage": "shortlist", "k": 10},
            },
            {
                "id": "public-survey",
                "title": {"ko": "3단계 국민 선호도 조사", "en": "Stage 3: public preference survey"},
                **window,
                "scheme": "approval",
                "params": {"min": 1, "max": 3},
                "groups": ["public"],
                "education": ["budget-school-1"],
                "revote": "last",
                "candidates": {"rule": "top_k", "from_stage": "shortlist", "k": 10},
            },
        ],
        "final_ranking": {
            "sources": [
                {"group": "committee", "stage": "committee-vote"},
                {"group": "public", "stage": "public-survey"},
            ]
        },
        "trustees": {"n": 5, "k": 3},
    }
