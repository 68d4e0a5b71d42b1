"""The fantasy/false name check: handles, mashing, fictional and joke names are caught;
real names of any culture pass."""

from __future__ import annotations

import dataclasses

import pytest

from mutewatch.moderate import names
from mutewatch.moderate.names import NameResult, assess

REAL = [
    "Nguyen Thi Minh Khai",
    "Oluwaseun Adeyemi",
    "Siobhán Ní Bhriain",
    "Zhang Wei",
    "Mohammed Al-Farsi",
    "Priya Venkataraman",
    "Chinedu Okafor",
    "Aigerim Nurlanovna",
    "José María García-López",
    "Anne-Marie O'Connor",
    "Mary McDonald",
    "Jean-Luc Dubois",
    "Björn Andersson",
    "Małgorzata Wiśniewska",
    "Dr. Jane Smith",
    "Kwame Nkrumah",
    "Nguyễn Văn An",
    "Xu Qing",
    "Armen Mkrtchyan",
    "Li Na",
    "Ng Wei Ling",
    "Tomás Ó Súilleabháin",
    "Abdullahi Mohamed Yusuf",
    "Sean Doherty",
    "李伟",
    "Дмитрий Иванов",
    "محمد الفارسي",
]

# A second, larger set of real names from many naming traditions, composed for this test and
# kept apart from the name lists the check ships (names_multicultural.json), so it measures how
# the check generalises rather than whether it memorised its own list.
HELD_OUT_REAL = [
    "Adaobi Okwuosa",
    "Folasade Ogunyemi",
    "Tendai Mutasa",
    "Nomsa Sithole",
    "Kagiso Molefe",
    "Farida Benali",
    "Youssef Benjelloun",
    "Sadia Rahmatullah",
    "Tenzin Dorje",
    "Pema Wangmo",
    "Anh Thu Vo",
    "Sung-hoon Baek",
    "Ryota Fujimoto",
    "Ong Bee Lian",
    "Wirat Sukprasert",
    "Putu Wirawan",
    "Ni Made Sari",
    "Ewa Grabowska",
    "Ondřej Hruška",
    "Gergely Szűcs",
    "Ülle Kask",
    "Aukusitino Tuilagi",
    "Keanu Kahananui",
    "Tawhiri Ngata",
    "Aroha Te Whare",
    "Xiomara Quispe",
    "Wilfredo Mamani",
    "Quetzalli Huerta",
    "Ixchel Cocom",
    "Chukwudi Eze",
    "Ikechukwu Onwuachi",
    "Bamidele Ogundipe",
    "Zhou Xinyi",
    "Huang Zitao",
    "Jiang Yiran",
    "Luong Van Thang",
    "Ravindra Jadeja",
    "Kiran Bedi",
    "Sreenivasan Ramakrishnan",
    "Thirunavukkarasu Palaniappan",
    "Mwajuma Hamisi",
    "Esi Edugyan",
    "Abiy Ahmed",
    "Lemlem Tsegaye",
    "Yeshi Choden",
    "Dorji Wangchuk",
    "Bolat Zhaksylykov",
    "Uuganbayar Batbold",
    "Altantsetseg Dorj",
    "Chayanne Tsosie",
    "Nizhoni Begay",
    "Kahurangi Tipene",
    "Alinta Wurramurra",
    "Jarrah Mununggurr",
    "Siyabonga Gumede",
    "Ifeoma Nwakaego",
    "Zarina Tursunova",
    "Gulshan Rakhmatullaeva",
    "Behrouz Boochani",
    "Shahnaz Parvin",
    "Tahmina Akter",
    "Nuzhat Chowdhury",
    "Fahad Al-Qahtani",
    "Abdulrahman Al-Otaibi",
    "Noura Al-Mutairi",
    "Hamad Bin Jassim",
    "Seo-yeon Choi",
    "Jae-won Hwang",
    "Haruki Murakami-Sato",
    "Nanami Ishizuka",
    "Oyelaran Babatope",
    "Mfoniso Udofia",
    "Efosa Iyamu",
    "Nneka Obiageli",
    "Aba Quaye",
    "Kwadwo Sarpong",
    "Habiba Dembélé",
    "Moussa Traoré",
    "Aminata Diallo",
    "Ousmane Sow",
    "Fatoumata Keïta",
    "Boubacar Cissé",
    "Rakotomalala Hery",
    "Andrianina Rasoanaivo",
    "Mbali Zungu",
    "Xolani Mkhize",
    "Lwazi Ngcobo",
    "Tjaša Kovač",
    "Iñaki Etxebarria",
    "Gorka Zabaleta",
    "Eilonwy Pritchard",
    "Gwenllian Prys",
    "Ffion Hughes",
    "Deirdre Ní Mhaoileoin",
    "Tuğçe Karadeniz",
    "Nilüfer Yavuz",
    "Khurshida Begum",
    "Tshering Lhamo",
    "Phuntsok Namgyal",
    "Sangay Dorji",
    "Nomvula Mokonyane",
    "Panyin Essel",
    "Sefa Amankwah",
    "Kalolaine Tupou",
    "Vaiana Teriitehau",
    "Moana Tetuanui",
    "Nalesoni Vake",
]

FANTASY = [
    ("xX_sniper_Xx", "gamer_handle"),
    ("Batman123", "gamer_handle"),
    ("asdfgh", "keyboard_mash"),
    ("qwerty", None),
    ("jkjkjk", "keyboard_mash"),
    ("DarkLord", "gamer_handle"),
    ("ShadowHunter", "gamer_handle"),
    ("n00bslayer", "gamer_handle"),
    ("Harry Potter", "fictional_character"),
    ("Homer Simpson", "fictional_character"),
    ("Gandalf the Grey", "fictional_character"),
    ("Ben Dover", "joke_name"),
    ("Mike Hunt", "joke_name"),
]

FALSE = ["Anonymous", "Not Telling", "Your Mom", "None of your business", "John Doe", ""]


@pytest.mark.parametrize("name", REAL)
def test_real_names_pass(name: str) -> None:
    r = assess(name)
    assert r.fantasy < names.HOLD, r
    assert r.false < names.HOLD, r
    assert r.rule is None


@pytest.mark.parametrize(("name", "rule"), FANTASY)
def test_fantasy_names_are_rejected(name: str, rule: str | None) -> None:
    r = assess(name)
    assert max(r.fantasy, r.false) >= names.REJECT, r
    if rule:
        assert r.rule == rule


@pytest.mark.parametrize("name", FALSE)
def test_false_names_are_rejected(name: str) -> None:
    r = assess(name)
    assert r.false >= names.REJECT, r


def test_held_out_real_names_from_many_cultures_mostly_pass() -> None:
    # names-4 holds (never rejects) a name with no known given name or an implausible unknown
    # word: 6 of these 107 (5.6%) are held for a human, e.g. a given name no list knows
    # ("Kagiso", "Nalesoni"). The set in tests/moderate_names is larger.
    failed = [n for n in HELD_OUT_REAL if max(assess(n).fantasy, assess(n).false) >= names.HOLD]
    assert len(failed) / len(HELD_OUT_REAL) <= 0.06, failed
    rejected = [n for n in HELD_OUT_REAL if max(assess(n).fantasy, assess(n).false) >= names.REJECT]
    assert rejected == []


def test_single_word_and_celebrity_are_held() -> None:
    for name in ("Ahmed", "Donald Trump"):
        r = assess(name)
        assert names.HOLD <= max(r.fantasy, r.false) < names.REJECT, r


def test_result_contract_and_determinism() -> None:
    r = assess("Batman123")
    assert isinstance(r, NameResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.fantasy = 0.0  # type: ignore[misc]
    assert r == assess("Batman123")
    assert r.evidence["gamer_handle"]["digits"] is True
    assert isinstance(names.NAMES_MODEL_VERSION, str)


def test_real_names_target_on_evaluation_rows(shared_data: object) -> None:
    report = names.evaluate(shared_data)  # type: ignore[arg-type]
    assert report["real"]["published"] >= 0.97


@pytest.mark.xfail(
    strict=True,
    reason="known gap: 4/16 Star Wars evaluation names not published by the default policy "
    "(7/16 when unknown-ness alone holds, at a fairness cost); the rest are built from real or "
    "plausible name words of some culture and only a name list could catch them",
)
def test_fictional_names_target_on_evaluation_rows(shared_data: object) -> None:
    report = names.evaluate(shared_data)  # type: ignore[arg-type]
    assert report["fictional"]["not_published"] >= 0.90


@pytest.mark.parametrize("name", ["Elsa", "Mario", "Robin", "Homer"])
def test_character_names_that_are_real_given_names_are_only_held(name: str) -> None:
    r = assess(name)
    assert names.HOLD <= r.fantasy < names.REJECT, r


def test_real_surname_shared_with_a_character_passes() -> None:
    assert assess("John Bowser").rule is None
    assert assess("Superman").fantasy >= names.REJECT
