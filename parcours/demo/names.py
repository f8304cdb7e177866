"""First and last names for fictional people, grouped by origin, as they are written in French files.

Used by the demo households and by the benchmark generator. Names are common ones; people are made
of random combinations, so any resemblance to a real person is accidental. Names are spelt as French
civil registers and residence permits write them (Latin letters with French accents), so that
`parcours.core.text.fold` gives a clean search form for each.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    code: str
    weight: float  # share of the households of the fictional Seine-Saint-Denis file
    male: tuple[str, ...]
    female: tuple[str, ...]
    last: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


ORIGINS = (
    Origin(
        "france",
        0.30,
        _split(
            "Jean, Pierre, Michel, Philippe, Alain, Patrick, Nicolas, Christophe, Stéphane, Sébastien, "
            "Julien, Thomas, David, Benoît, Jérôme, Frédéric, Laurent, Olivier, Éric, Cédric, Yannick, "
            "Loïc, Joël, Hervé, Gérard, Bernard, Thierry, Pascal, Franck, Maxime, Kévin, Anthony, Dylan, "
            "Théo, Lucas, Hugo, Mathéo, Enzo, Clément, Romain, Jordan, Grégory, Ludovic, Mickaël, "
            "Jacques, Daniel, René, Gaëtan, Noël, Raphaël"
        ),
        _split(
            "Marie, Nathalie, Isabelle, Sylvie, Catherine, Sandrine, Christine, Valérie, Céline, "
            "Stéphanie, Aurélie, Émilie, Julie, Laetitia, Sophie, Hélène, Élodie, Audrey, Mélanie, "
            "Virginie, Karine, Véronique, Brigitte, Martine, Josiane, Chloé, Manon, Léa, Camille, "
            "Océane, Inès, Noémie, Zoé, Maëlys, Gaëlle, Anaïs, Laura, Marine, Jessica, Coralie, "
            "Annick, Françoise, Monique, Danielle, Margaux, Clémence, Agathe, Justine, Lucie, Sarah"
        ),
        _split(
            "Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, "
            "Michel, Lefèvre, Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, "
            "Dupont, Lambert, Fontaine, Rousseau, Vincent, Muller, Lefèbvre, Faure, André, Mercier, "
            "Blanc, Guérin, Boyer, Garnier, Chevalier, François, Legrand, Gauthier, Garcia, Perrin, "
            "Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu, Gautier, Masson, Marchand, "
            "Duval, Denis, Dumont, Marie, Lemaire, Noël, Meyer, Dufour, Meunier, Brun, Blanchard, "
            "Giraud, Joly, Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Martinez, Gérard, Roche, "
            "Renard, Schmitt, Roy, Leroux, Colin, Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, "
            "Renaud, Dumas, Lacroix, Olivier, Philippe, Bourgeois, Pierre, Benoît, Rey, Leclerc, Payet, "
            "Rolland, Leclercq, Guillaume, Lecomte, Lopez, Jean, Dupuis, Guillot, Hubert, Berger, "
            "Carpentier, Sanchez, Dupuy, Moulin, Louis, Deschamps, Huet, Vasseur, Perez, Boucher, "
            "Fleury, Royer, Klein, Jacquet, Adam, Paris, Poirier, Marty, Aubry, Guyot, Carré, Charles, "
            "Renault, Charpentier, Ménard, Maillard, Baron, Bertin, Bailly, Hervé, Schneider, Fernandez, "
            "Le Gall, Collet, Léger, Bouvier, Julien, Prévost, Millet, Perrot, Daniel, Le Roux, Cousin, "
            "Germain, Breton, Besson, Langlois, Rémy, Le Goff, Pelletier, Lévêque, Perrier, Leblanc, "
            "Barré, Lebrun, Marchal, Weber, Mallet, Hamon, Boulanger, Jacob, Monnier, Michaud, "
            "Rodriguez, Guichard, Gillet, Étienne, Grondin, Poulain, Tessier, Chevallier, Collin, "
            "Chauvin, Da Silva, Bouchet, Gay, Lemaître, Bénard, Maréchal, Humbert, Reynaud, Antoine, "
            "Hoarau, Perret, Barthélemy, Cordier, Pichon, Lejeune, Gilbert, Lamy, Delaunay, Pasquier, "
            "Carlier, Laporte, Thébault, Dupré"
        ),
    ),
    Origin(
        "maghreb",
        0.20,
        _split(
            "Mohamed, Mohammed, Ahmed, Ali, Karim, Mehdi, Rachid, Youssef, Samir, Nordine, Hamid, "
            "Mourad, Farid, Khaled, Bilal, Sofiane, Yassine, Amine, Abdelkader, Said, Saïd, Omar, "
            "Hichem, Walid, Ilyes, Nabil, Redouane, Abdallah, Moussa, Brahim, Djamel, Hakim, Mustapha, "
            "Riad, Zakaria, Anis, Ayoub, Adel, Kamel, Lounès"
        ),
        _split(
            "Fatima, Khadija, Aïcha, Malika, Nadia, Samira, Leïla, Yasmina, Karima, Naïma, Fatiha, "
            "Zohra, Houria, Soraya, Amel, Meriem, Sarah, Imane, Salma, Rania, Sabrina, Nawel, Yamina, "
            "Hafsa, Loubna, Asma, Kenza, Lina, Nour, Souad, Rachida, Djamila, Zineb, Hanane, Wafa, "
            "Dounia, Sihem, Farida, Ouarda, Lamia"
        ),
        _split(
            "Benali, Haddad, Benaïssa, Bensaïd, Belkacem, Mansouri, Boudjema, Cherif, Hamidi, Amrani, "
            "Bouzid, Kaci, Saidi, Meziane, Brahimi, Zerrouki, Benmoussa, Ait Ahmed, Aït Ali, Chaoui, "
            "Bouazza, Lahlou, El Amrani, El Idrissi, Benyahia, Belhadj, Khelifi, Slimani, Touati, "
            "Yahiaoui, Boukhari, Rahmani, Djebbar, Mebarki, Ouali, Benabdallah, Hadjadj, Laribi, "
            "Ferhat, Gharbi, Trabelsi, Ben Salah, Jaziri, Mejri, Ben Youssef, Ouazzani, Tazi, "
            "Bennani, Alaoui, Berrada, Chraibi, Ziani, Hamdi, Benchikh, Azzouz, Abdelli"
        ),
    ),
    Origin(
        "west_africa",
        0.17,
        _split(
            "Mamadou, Moussa, Ousmane, Ibrahima, Abdoulaye, Boubacar, Amadou, Seydou, Souleymane, "
            "Bakary, Sékou, Lassana, Modibo, Mamoudou, Cheikh, Alassane, Issa, Adama, Oumar, Siaka, "
            "Kalilou, Fodé, Yacouba, Drissa, Aliou, Samba, Demba, Lamine, Idrissa, Moctar, Kouassi, "
            "Yao, Koffi, Serge, Didier, Arouna"
        ),
        _split(
            "Fatoumata, Aminata, Mariam, Awa, Kadiatou, Hawa, Fanta, Oumou, Aïssatou, Djénéba, "
            "Mariama, Assitan, Kadidia, Binta, Ramatoulaye, Coumba, Khady, Ndeye, Adja, Rokia, Salimata, "
            "Nafissatou, Sokhna, Maïmouna, Bintou, Haby, Astou, Adjoa, Akissi, Affoué, Aya, Mah"
        ),
        _split(
            "Traoré, Diallo, Keita, Camara, Sow, Diarra, Coulibaly, Koné, Touré, Cissé, Sylla, Konaté, "
            "Sissoko, Doumbia, Kanté, Dembélé, Sangaré, Fofana, Bamba, Diakité, Ba, Barry, Bah, Baldé, "
            "Diop, Ndiaye, Fall, Gueye, Faye, Sarr, Mbaye, Seck, Diouf, Thiam, Niang, Sy, Kouyaté, "
            "Soumaré, Magassa, Sacko, Tounkara, Diawara, Kouamé, Yao, Konan, Kouassi, N'Guessan, "
            "Ouattara, Tanoh, Sanogo, Dagnogo, Sidibé, Diabaté, Kamara, Bangoura, Soumah"
        ),
    ),
    Origin(
        "central_africa",
        0.08,
        _split(
            "Jean-Pierre, Patrick, Christian, Serge, Junior, Blaise, Gédéon, Trésor, Dieudonné, Ghislain, "
            "Fiston, Aimé, Rodrigue, Hervé, Landry, Cédric, Armel, Franck, Joël, Patience"
        ),
        _split(
            "Grâce, Merveille, Bénédicte, Clarisse, Divine, Espérance, Chancelle, Exaucée, Gloire, "
            "Joëlle, Nadège, Sandrine, Sylvie, Jeanne, Prisca, Rebecca, Ruth, Esther, Naomie, Falonne"
        ),
        _split(
            "Mbemba, Kabongo, Ilunga, Tshibangu, Kalonji, Mukendi, Nzuzi, Lukusa, Mbuyi, Kasongo, "
            "Makiese, Nsimba, Matondo, Mabiala, Moukala, Nganga, Bouanga, Mavoungou, Ngoma, Massamba, "
            "Mbarga, Nkoulou, Essomba, Atangana, Fotso, Kamga, Tchoumi, Nguema, Obiang, Mboumba"
        ),
    ),
    Origin(
        "eastern_europe",
        0.06,
        _split(
            "Ion, Vasile, Gheorghe, Constantin, Florin, Marian, Adrian, Costel, Nicolae, Mihai, Dumitru, "
            "Ionut, Andrei, Oleksandr, Dmytro, Serhii, Giorgi, Levan, Artur, Ruslan"
        ),
        _split(
            "Maria, Elena, Ioana, Mihaela, Florentina, Daniela, Gabriela, Nicoleta, Roxana, Alina, "
            "Olena, Iryna, Natalia, Tetiana, Nino, Tamari, Svetlana, Ludmila, Anastasia, Daria"
        ),
        _split(
            "Popescu, Ionescu, Stan, Dumitrescu, Radu, Stoica, Gheorghe, Constantin, Munteanu, Lazar, "
            "Rusu, Moldovan, Ciobanu, Lungu, Rostas, Cirpaci, Stanescu, Marin, Dinu, Tudor, Kovalenko, "
            "Bondarenko, Shevchenko, Tkachenko, Melnyk, Boyko, Beridze, Kapanadze, Gelashvili, Lomidze"
        ),
    ),
    Origin(
        "south_asia",
        0.06,
        _split(
            "Ahmad, Mohammad, Abdul, Rahim, Karim, Naveed, Farhad, Jawad, Hamid, Rahmatullah, Zabihullah, "
            "Imran, Asif, Tariq, Rahul, Sanjay, Kumar, Suresh, Tharshan, Kajan, Rubel, Shahid, Mizanur"
        ),
        _split(
            "Fatima, Zahra, Maryam, Shabnam, Parwana, Nasima, Farzana, Ayesha, Nadia, Shazia, Priya, "
            "Lakshmi, Tharsika, Nirosha, Rokeya, Sumaiya, Roya, Mina, Laila, Sahar"
        ),
        _split(
            "Ahmadi, Mohammadi, Rahimi, Hussaini, Karimi, Hakimi, Sultani, Nazari, Azizi, Haidari, "
            "Stanikzai, Safi, Popal, Khan, Hussain, Iqbal, Chaudhry, Malik, Rahman, Uddin, Islam, "
            "Hossain, Miah, Begum, Sivakumar, Tharmalingam, Selvarajah, Kanagaratnam, Singh, Kaur"
        ),
    ),
    Origin(
        "horn_of_africa",
        0.04,
        _split(
            "Yohannes, Tesfay, Mehari, Biniam, Dawit, Filmon, Abdirahman, Abdullahi, Mohamud, Hassan, "
            "Adam, Ishaq, Mustafa, Osman, Yasir"
        ),
        _split(
            "Senait, Helen, Selam, Rahel, Mebrat, Hiwet, Saba, Ifrah, Hodan, Amina, Sagal, Fardowsa, "
            "Halima, Hawa, Safia"
        ),
        _split(
            "Tesfamariam, Ghebremedhin, Haile, Kidane, Berhane, Tekle, Woldemichael, Gebremariam, "
            "Abdi, Warsame, Farah, Hirsi, Omar, Jama, Ibrahim, Abdelrahman, Osman, Yousif, Adam, Musa"
        ),
    ),
    Origin(
        "caribbean",
        0.03,
        _split(
            "Jean-Baptiste, Wilson, Jocelyn, Ronald, Frantz, Emmanuel, Ricardo, Stevenson, Johnny, "
            "Wesner, Dieunel, Fritz, Jimmy, Mackenson, Guy"
        ),
        _split(
            "Guerline, Nadège, Mirlande, Rose-Marie, Marie-Ange, Fabienne, Wideline, Nathalie, "
            "Magalie, Judith, Roseline, Micheline, Lovely, Sherly, Daphney"
        ),
        _split(
            "Jean-Louis, Joseph, Pierre-Louis, Louis-Jeune, Saint-Fleur, Exantus, Dorvil, Charles, "
            "Jean-Baptiste, Desrosiers, Augustin, Célestin, Bellegarde, Toussaint, Pierre-Antoine, "
            "Laguerre, Cadet, Jeudy, Théodore, Alexis"
        ),
    ),
    Origin(
        "east_asia",
        0.02,
        _split("Wei, Jun, Hao, Ming, Jian, Tuan, Minh, Hung, Long, Quang"),
        _split("Li, Mei, Xiu, Yan, Lan, Huong, Thi, Linh, Trang, Ngoc"),
        _split("Wang, Zhang, Chen, Liu, Lin, Huang, Zhou, Wu, Ye, Nguyen, Tran, Le, Pham, Hoang, Vu, Dang"),
    ),
    Origin(
        "comoros",
        0.02,
        _split("Ibrahim, Ali, Said, Soilihi, Abdou, Youssouf, Mohamed, Ahamada, Hamadi, Nassur"),
        _split("Anfiati, Echati, Mariama, Nafissa, Zaharia, Faouzia, Hadidja, Moinaecha, Sitti, Rahama"),
        _split(
            "Abdallah, Soilihi, Mohamed, Ahamada, Said Omar, Mzé, Madi, Assoumani, Combo, Attoumane, "
            "Houmadi, Msa"
        ),
    ),
    Origin(
        "turkey_kurdistan",
        0.02,
        _split("Mehmet, Mustafa, Ahmet, Hasan, Hüseyin, Ibrahim, Murat, Serkan, Baran, Rojhat, Kemal"),
        _split("Ayşe, Fatma, Emine, Zeynep, Elif, Hatice, Gülistan, Rojda, Berfin, Sevda"),
        _split(
            "Yilmaz, Kaya, Demir, Şahin, Çelik, Öztürk, Aydin, Arslan, Doğan, Kiliç, Aslan, Çetin, "
            "Kurt, Özdemir, Koç, Tekin"
        ),
    ),
)

ORIGIN_BY_CODE = {o.code: o for o in ORIGINS}
