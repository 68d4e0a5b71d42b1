"""Held-out name sets of the name check, written before the check's lists and model were rebuilt.

Nothing here is read by ``scripts/build_names.py`` or shipped in ``moderate/data``: these names
measure how the check generalises to naming traditions, not whether it memorised its own lists.
``REAL`` must mostly publish; ``NOT_REAL`` (handles, joke names, keyboard mashing, fictional
characters outside Star Wars) must not publish.
"""

from __future__ import annotations

REAL_BY_CULTURE: dict[str, list[str]] = {
    "chinese": ["Wang Xiuying", "Liu Yang", "Chen Jing", "Zhao Lei", "Sun Li", "Guo Ming",
                "Lin Mei", "Xu Jiahui", "Tang Wenjie", "Feng Xiaoping"],
    "indian": ["Anjali Deshpande", "Rohan Malhotra", "Suresh Iyer", "Lakshmi Narayanan",
               "Harpreet Kaur Gill", "Vikram Chatterjee", "Deepika Padmanabhan", "Arjun Reddy",
               "Meenakshi Sundaram", "Gurpreet Singh Dhillon"],
    "arabic": ["Omar Haddad", "Layla Mansour", "Khalid Al-Rashid", "Fatima Zahra El Idrissi",
               "Hassan Abdelrahman", "Mariam Saleh", "Tariq Nasser", "Yasmin Khoury",
               "Abdullah bin Hamad", "Rania Aboud"],
    "african": ["Ngozi Okonjo", "Tunde Bakare", "Amara Conteh", "Kofi Mensah", "Wanjiru Kamau",
                "Tsegaye Bekele", "Thabo Ndlovu", "Chiamaka Nwosu", "Yaw Boateng",
                "Zanele Dlamini", "Mamadou Ba", "Fatou Ndiaye"],
    "slavic": ["Aleksandr Petrov", "Olga Smirnova", "Piotr Kowalczyk", "Jana Novotná",
               "Dragan Jovanović", "Katarzyna Zielińska", "Milena Horvat", "Bohdan Shevchenko",
               "Svetlana Kuznetsova", "Miroslav Dvořák"],
    "hispanic": ["María Fernanda Rojas", "Juan Carlos Gutiérrez", "Lucía Martínez Soto",
                 "Alejandro Vargas", "Guadalupe Hernández", "Francisco Javier Ortega",
                 "Camila Restrepo", "Diego Armando Paredes", "Valentina Castillo",
                 "Rodrigo Sánchez de la Vega"],
    "vietnamese": ["Tran Van Hung", "Le Thi Hoa", "Pham Minh Tuan", "Hoang Thi Lan",
                   "Do Quang Huy", "Bui Thi Ngoc", "Dang Van Long", "Vu Thu Trang"],
    "korean": ["Kim Min-jun", "Park Ji-woo", "Lee Seo-yeon", "Choi Hyun-woo", "Jung Da-eun",
               "Kang Min-seo", "Yoon Ji-ho", "Han So-hee"],
    "turkish": ["Mehmet Yılmaz", "Ayşe Demir", "Mustafa Çelik", "Elif Şahin", "Emre Aydın",
                "Zeynep Kaya", "Burak Öztürk", "Selin Arslan"],
    "nordic": ["Lars Eriksson", "Ingrid Johansson", "Sven Lindqvist", "Astrid Nilsson",
               "Mikko Virtanen", "Aino Korhonen", "Sigrún Jónsdóttir", "Magnus Halvorsen",
               "Freja Kjær", "Eero Mäkinen"],
    "japanese": ["Hiroshi Tanaka", "Yuki Watanabe", "Kenji Yamamoto", "Aiko Nakamura",
                 "Takeshi Kobayashi", "Sakura Inoue"],
    "persian_south_asian": ["Dariush Tehrani", "Shirin Ebadi", "Farhan Siddiqui",
                            "Ayesha Rahman", "Imran Qureshi", "Nasrin Hosseini"],
    "particles_hyphens": ["Pieter van der Berg", "Anna van den Bosch", "Ludwig von Hoffmann",
                          "Maria de los Santos", "Jean-Pierre Lefèvre", "Sarah Lloyd-Jones",
                          "Charles de Gaulle-Martin", "Paolo di Stefano", "Ana da Silva Pereira",
                          "Kevin O'Sullivan", "Fiona MacLeod", "Rosa Dell'Acqua"],
    "western": ["Emily Thompson", "Michael Schneider", "Claire Dubois", "Giulia Romano",
                "Thomas Müller", "Hannah Becker", "Liam Murphy", "Sophie Laurent"],
    "single_name_cultures": ["Sukarno", "Suharto", "Ahmad Dhani", "Budi Santoso"],
}  # fmt: skip

REAL: list[str] = [n for names in REAL_BY_CULTURE.values() for n in names]

NOT_REAL: list[str] = [
    "xX_sniper_Xx", "Batman123", "Pr0Gamer", "NoScope_420", "l33t_h4x0r", "KillerQueen99",
    "ShadowSlayer", "DragonMaster", "xXDarkAngelXx", "MLG_Pro", "TheRealDeal",
    "qwertyuiop", "asdfasdf", "zxcvbnm", "hjkl", "sdfsdfsdf", "aaaaaa", "fhqwhgads",
    "Hugh Jass", "Seymour Butts", "Amanda Hugginkiss", "Ivana Tinkle", "Anita Bath",
    "Sherlock Holmes", "Frodo Baggins", "Bilbo Baggins", "Hermione Granger", "Tony Stark",
    "Bruce Wayne", "Peter Parker", "Clark Kent", "Lara Croft", "Sonic the Hedgehog",
    "Mickey Mouse", "Bugs Bunny", "SpongeBob SquarePants", "Jon Snow", "Daenerys Targaryen",
    "Captain Kirk", "Spock", "Pikachu", "Shrek",
    "Anonymous", "Concerned Citizen", "A Reader", "Not My Real Name", "asdf asdf",
    "Test User", "Guest", "Your Mom", "Mickey Mouse Club", "Lord Voldemort",
]  # fmt: skip
