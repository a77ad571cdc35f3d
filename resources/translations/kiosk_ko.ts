<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AdminPanel</name>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="148"/>
        <source>Admin</source>
        <translation>관리자</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="149"/>
        <source>Exit</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="150"/>
        <source>Restart</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="151"/>
        <source>Reload catalog</source>
        <translation>카탈로그 새로고침</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="152"/>
        <source>Flush events</source>
        <translation>이벤트 바로 전송</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="153"/>
        <source>Review images</source>
        <translation>이미지 검토</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="154"/>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="162"/>
        <source>Camera</source>
        <translation>카메라</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="163"/>
        <source>%1 fps</source>
        <translation>%1 fps</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="167"/>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="168"/>
        <source>%1 ms per face</source>
        <translation>얼굴당 %1 ms</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="172"/>
        <source>Network</source>
        <translation>네트워크</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="173"/>
        <source>Online</source>
        <translation>온라인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="173"/>
        <source>Offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="178"/>
        <source>Event queue</source>
        <translation>이벤트 대기열</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="179"/>
        <source>%1 waiting</source>
        <translation>%1개 대기 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="180"/>
        <source>%1 dead letters</source>
        <translation>전송 실패 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="190"/>
        <source>Catalog</source>
        <translation>카탈로그</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="190"/>
        <source>%1 images</source>
        <translation>이미지 %1개</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="194"/>
        <source>Crashes</source>
        <translation>비정상 종료</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin_panel.py" line="196"/>
        <source>Other</source>
        <translation>기타</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="182"/>
        <source>Step closer — we&apos;ll pick images for your mood</source>
        <translation>가까이 와 보세요 — 기분에 맞는 이미지를 골라 드릴게요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="183"/>
        <source>Look at the screen for a moment, or tap to start.</source>
        <translation>잠시 화면을 바라보시거나, 화면을 눌러 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="185"/>
        <source>Tell us your mood — we&apos;ll pick images for it</source>
        <translation>지금 기분을 알려 주세요 — 어울리는 이미지를 골라 드릴게요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="186"/>
        <source>Tap anywhere to start.</source>
        <translation>아무 곳이나 눌러 시작하세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/attract.py" line="187"/>
        <source>Choose my mood</source>
        <translation>기분 직접 고르기</translation>
    </message>
</context>
<context>
    <name>ConsentOverlay</name>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="259"/>
        <source>Yes, remember me</source>
        <translation>네, 기억해 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="260"/>
        <source>No, thanks</source>
        <translation>아니요, 괜찮아요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="261"/>
        <source>More info</source>
        <translation>자세히 보기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="262"/>
        <source>Back</source>
        <translation>뒤로</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="263"/>
        <source>Delete now</source>
        <translation>지금 삭제</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="264"/>
        <source>Keep</source>
        <translation>그대로 두기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="265"/>
        <source>OK</source>
        <translation>확인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="266"/>
        <source>Forget me</source>
        <translation>저를 잊어 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="268"/>
        <source>Welcome back!</source>
        <translation>다시 오셨군요!</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="270"/>
        <source>See you next time!</source>
        <translation>다음에 또 만나요!</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="272"/>
        <source>What remembering means</source>
        <translation>얼굴을 기억한다는 것은</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="274"/>
        <source>What we keep: a face vector (numbers that describe your face, not a picture) in this store&apos;s Amazon Rekognition collection (AWS), with a random ID. No image of you is ever saved.</source>
        <translation>보관하는 것: 얼굴 특징 벡터(사진이 아니라 얼굴을 나타내는 숫자)를 임의의 ID와 함께 이 매장의 Amazon Rekognition 컬렉션(AWS)에 보관해요. 사진은 절대 저장하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="278"/>
        <source>How to be forgotten: when the kiosk recognises you, tap &quot;Forget me&quot; and your face is deleted at once. Staff can also delete it.</source>
        <translation>삭제하는 방법: 키오스크가 알아보면 &quot;저를 잊어 주세요&quot;를 누르세요. 얼굴이 바로 삭제돼요. 직원에게 삭제를 요청할 수도 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="280"/>
        <source>If you say No, or do not answer, nothing is kept.</source>
        <translation>&apos;아니요&apos;를 누르거나 답하지 않으면 아무것도 보관하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="283"/>
        <source>Forget me?</source>
        <translation>저를 잊을까요?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="284"/>
        <source>Your face and what this kiosk learned about you will be deleted now. Your visit goes on without them.</source>
        <translation>얼굴과 이 키오스크가 알게 된 취향을 지금 삭제해요. 이용은 그대로 계속할 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="287"/>
        <source>Done — your face has been deleted</source>
        <translation>완료 — 얼굴을 삭제했어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="289"/>
        <source>Your details on this kiosk are gone. The cloud copy is deleted as soon as the kiosk is back online.</source>
        <translation>이 키오스크의 정보는 삭제했어요. 클라우드의 정보는 키오스크가 다시 연결되는 즉시 삭제돼요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="292"/>
        <source>Nothing about you is kept any more.</source>
        <translation>이제 고객님에 대한 정보는 남아 있지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="294"/>
        <source>Remember you next time?</source>
        <translation>다음에도 알아봐도 될까요?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="295"/>
        <source>May this kiosk remember your face, so it can pick images for you when you come back? If you say No, or do not answer, nothing is kept.</source>
        <translation>다시 오셨을 때 맞춤 이미지를 골라 드리도록 이 키오스크가 얼굴을 기억해도 될까요? &apos;아니요&apos;를 누르거나 답하지 않으면 아무것도 보관하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="304"/>
        <source>How long: it is deleted automatically after 1 day.</source>
        <translation>보관 기간: 1일 후 자동으로 삭제돼요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="305"/>
        <source>How long: it is deleted automatically after %1 days.</source>
        <translation>보관 기간: %1일 후 자동으로 삭제돼요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/consent.py" line="311"/>
        <source>No answer in %1 s means No.</source>
        <translation>%1초 안에 답하지 않으면 &apos;아니요&apos;로 처리해요.</translation>
    </message>
</context>
<context>
    <name>CurationScreen</name>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="272"/>
        <source>Review new images</source>
        <translation>새 이미지 검토</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="273"/>
        <source>%1 waiting</source>
        <translation>%1개 대기 중</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="275"/>
        <source>No images are waiting for review.
Import images with kiosk-admin catalog import, or make new ones with kiosk-admin generate.</source>
        <translation>검토를 기다리는 이미지가 없어요.
kiosk-admin catalog import로 이미지를 가져오거나 kiosk-admin generate로 새로 만들어 보세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="278"/>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="279"/>
        <source>Approve</source>
        <translation>승인</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/curation_screen.py" line="279"/>
        <source>Reject</source>
        <translation>거절</translation>
    </message>
</context>
<context>
    <name>Emotion</name>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="21"/>
        <source>Happy</source>
        <translation>행복</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="22"/>
        <source>Sad</source>
        <translation>슬픔</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="23"/>
        <source>Angry</source>
        <translation>화남</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="24"/>
        <source>Confused</source>
        <translation>혼란</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="25"/>
        <source>Disgusted</source>
        <translation>불쾌</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="26"/>
        <source>Surprised</source>
        <translation>놀람</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="27"/>
        <source>Calm</source>
        <translation>평온</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="28"/>
        <source>Scared</source>
        <translation>두려움</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="36"/>
        <source>Because you look happy</source>
        <translation>행복해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="37"/>
        <source>Because you look a little sad</source>
        <translation>조금 슬퍼 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="38"/>
        <source>Because you look upset</source>
        <translation>속상해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="39"/>
        <source>Because you look puzzled</source>
        <translation>어리둥절해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="40"/>
        <source>Because something seems off</source>
        <translation>뭔가 언짢아 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="41"/>
        <source>Because you look surprised</source>
        <translation>놀라신 것 같아서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="42"/>
        <source>Because you look calm</source>
        <translation>차분해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="43"/>
        <source>Because you look uneasy</source>
        <translation>불안해 보이셔서 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="51"/>
        <source>Because you feel happy</source>
        <translation>행복한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="52"/>
        <source>Because you feel a little sad</source>
        <translation>조금 슬픈 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="53"/>
        <source>Because you feel upset</source>
        <translation>속상한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="54"/>
        <source>Because you feel puzzled</source>
        <translation>어리둥절한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="55"/>
        <source>Because you feel put off</source>
        <translation>언짢은 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="56"/>
        <source>Because you feel surprised</source>
        <translation>놀란 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="57"/>
        <source>Because you feel calm</source>
        <translation>차분한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="58"/>
        <source>Because you feel uneasy</source>
        <translation>불안한 기분에 맞춰 골랐어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/texts.py" line="65"/>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
</context>
<context>
    <name>EmotionBadge</name>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="88"/>
        <source>Looking for you…</source>
        <translation>고객님을 찾고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="90"/>
        <source>Or choose your mood below</source>
        <translation>아래에서 기분을 직접 고르셔도 돼요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="91"/>
        <source>Look at the camera</source>
        <translation>카메라를 바라봐 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="96"/>
        <source>Your choice</source>
        <translation>직접 고르신 기분</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="98"/>
        <source>Not sure yet</source>
        <translation>아직 확실하지 않아요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="101"/>
        <source>%1 confidence</source>
        <translation>확신도 %1</translation>
    </message>
</context>
<context>
    <name>ImageCard</name>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="103"/>
        <source>Liked</source>
        <translation>좋아요 완료</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/cards.py" line="103"/>
        <source>Like</source>
        <translation>좋아요</translation>
    </message>
</context>
<context>
    <name>MainScreen</name>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="241"/>
        <location filename="../../kiosk/ui/main_screen.py" line="325"/>
        <source>The camera is unavailable.</source>
        <translation>카메라를 사용할 수 없어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="243"/>
        <source>Starting the camera…</source>
        <translation>카메라를 켜는 중이에요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="274"/>
        <source>Like a few images first, then “For you” opens up.</source>
        <translation>이미지 몇 개에 좋아요를 누르시면 ‘맞춤 추천’이 열려요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="302"/>
        <source>Finding images for you…</source>
        <translation>이미지를 고르고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="303"/>
        <source>This takes only a moment.</source>
        <translation>잠시만 기다려 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="305"/>
        <location filename="../../kiosk/ui/main_screen.py" line="317"/>
        <source>For you</source>
        <translation>맞춤 추천</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>For you · %1</source>
        <translation>맞춤 추천 · %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>Picked from what you liked, to suit this mood.</source>
        <translation>좋아요를 누르신 이미지를 바탕으로 지금 기분에 맞게 골랐어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>Step closer — we&apos;ll pick images for your mood</source>
        <translation>가까이 와 보세요 — 기분에 맞는 이미지를 골라 드릴게요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>Or tap “Choose my mood”.</source>
        <translation>또는 “기분 직접 고르기”를 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>Still reading your mood…</source>
        <translation>기분을 읽고 있어요…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>Look at the camera, or tap “Choose my mood”.</source>
        <translation>카메라를 바라보시거나 “기분 직접 고르기”를 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>This is taking longer than usual. Tap Next to try again.</source>
        <translation>평소보다 오래 걸리고 있어요. 다음을 눌러 다시 시도해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>These images could not be shown</source>
        <translation>이미지를 보여 드리지 못했어요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="306"/>
        <source>Tap Next to try again, or choose another mood.</source>
        <translation>다음을 눌러 다시 시도하시거나 다른 기분을 골라 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="313"/>
        <source>Tap Like on the images you love, or Next for more.</source>
        <translation>마음에 드는 이미지에 좋아요를 누르거나, 다음을 눌러 더 보세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="316"/>
        <source>Emotion</source>
        <translation>감정</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="318"/>
        <source>Next</source>
        <translation>다음</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/main_screen.py" line="319"/>
        <source>Choose my mood</source>
        <translation>기분 직접 고르기</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="226"/>
        <source>Your like could not be saved. Please try again.</source>
        <translation>좋아요를 저장하지 못했어요. 다시 눌러 주세요.</translation>
    </message>
</context>
<context>
    <name>MoodPicker</name>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="125"/>
        <source>Back</source>
        <translation>뒤로</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="126"/>
        <source>How are you feeling?</source>
        <translation>지금 기분이 어떠세요?</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="128"/>
        <source>The camera is unavailable right now — just tap your mood.</source>
        <translation>지금은 카메라를 사용할 수 없어요 — 기분을 눌러 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/mood_picker.py" line="130"/>
        <source>Tap your mood and we&apos;ll pick images for it.</source>
        <translation>기분을 누르시면 어울리는 이미지를 골라 드릴게요.</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="225"/>
        <source>Too many wrong tries. Try again in %1 s.</source>
        <translation>잘못 입력한 횟수가 너무 많아요. %1초 후에 다시 시도해 주세요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="230"/>
        <source>Wrong PIN. %1 tries left.</source>
        <translation>PIN이 틀렸어요. %1번 더 시도할 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="231"/>
        <source>Enter the staff PIN</source>
        <translation>직원 PIN을 입력해 주세요</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="234"/>
        <source>Staff access</source>
        <translation>직원 전용</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="235"/>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="236"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/pin_pad.py" line="237"/>
        <source>Unlock</source>
        <translation>잠금 해제</translation>
    </message>
</context>
<context>
    <name>PrivacyNotice</name>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="90"/>
        <source>The camera is off. Nothing is analysed.</source>
        <translation>카메라가 꺼져 있어요. 아무것도 분석하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="94"/>
        <source>Your facial expression is read on this device to pick images.</source>
        <translation>이미지를 고르기 위해 이 기기 안에서 표정을 분석해요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="95"/>
        <source>No image is stored.</source>
        <translation>사진은 저장하지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="98"/>
        <source>When the device is unsure, a face crop may be sent to Amazon Rekognition (AWS) for analysis.</source>
        <translation>분석이 확실하지 않을 때는 얼굴 부분 이미지를 Amazon Rekognition(AWS)으로 보내 분석할 수 있어요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="100"/>
        <source>Nothing is sent to the cloud.</source>
        <translation>클라우드로는 아무것도 보내지 않아요.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/privacy.py" line="102"/>
        <source>We remember your face only if you agree.</source>
        <translation>동의하신 경우에만 얼굴을 기억해요.</translation>
    </message>
</context>
</TS>
